// Posts a form marked data-autosubmit at once (the deep-linking answer to the platform).
// Without JavaScript the form's own button does the same.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
