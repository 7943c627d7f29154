"""IMS Common Cartridge 1.3 export: a course as LTI links for an LMS to import."""
