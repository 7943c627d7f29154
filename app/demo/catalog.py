"""The words a demo district is made of: organization names, people's names, job-role mix,
reflection sentences and survey comments. Everything here is invented; nothing names a
real school, district or person."""

from __future__ import annotations

from app.accounts.models import JobRole

# Every demo account's email ends with this reserved domain (RFC 2606: ``.example`` never
# resolves), which is how the seed recognises its own accounts.
DEMO_DOMAIN = "demo.groundwork.example"
DEMO_ORGANIZATION_SUFFIX = "(demo)"

_PLACES = tuple(
    [
        "Riverbend",
        "Cedar Hollow",
        "Maple Ridge",
        "Harbor Point",
        "Prairie View",
        "Stonebrook",
        "Willow Creek",
        "Silver Lake",
        "Eastfield",
        "North Fork",
        "Pine Valley",
        "Lakeshore",
        "Bluewater",
        "Oak Terrace",
        "Sunset Mesa",
        "Granite Falls",
        "Fairhaven",
        "Clearwater",
        "Red Rock",
        "Highland Park",
        "Brookside",
        "Mill Creek",
        "Golden Plains",
        "Westgate",
        "Juniper Flats",
        "Aspen Grove",
        "Copper Hills",
        "Magnolia Bay",
        "Evergreen",
        "Sandstone",
    ]
)
_KINDS = tuple(
    [
        "Unified School District",
        "Public Schools",
        "Independent School District",
        "Community Schools",
        "Charter Network",
        "Education Cooperative",
        "School District",
        "Regional Education Service Center",
    ]
)

FIRST_NAMES = tuple(
    [
        "Aaliyah",
        "Adrián",
        "Aisha",
        "Alejandro",
        "Amara",
        "Andre",
        "Ángela",
        "Ava",
        "Camila",
        "Carlos",
        "Chen",
        "Daniel",
        "Darnell",
        "Deja",
        "Diego",
        "Elena",
        "Elijah",
        "Emily",
        "Fatima",
        "Gabriel",
        "Grace",
        "Hana",
        "Imani",
        "Isaiah",
        "Jamal",
        "Jasmine",
        "Javier",
        "Jordan",
        "José",
        "Kai",
        "Keisha",
        "Kwame",
        "Laila",
        "Leah",
        "Lucía",
        "Malik",
        "Maria",
        "Marcus",
        "Maya",
        "Mei",
        "Miguel",
        "Nadia",
        "Naomi",
        "Noah",
        "Olivia",
        "Omar",
        "Priya",
        "Rafael",
        "Rosa",
        "Samuel",
        "Sofia",
        "Tamika",
        "Thandiwe",
        "Tomás",
        "Trinh",
        "Valeria",
        "Wei",
        "Xavier",
        "Yesenia",
        "Zainab",
    ]
)
LAST_NAMES = tuple(
    [
        "Adeyemi",
        "Alvarez",
        "Baker",
        "Banks",
        "Begay",
        "Brooks",
        "Castillo",
        "Chavez",
        "Coleman",
        "Cruz",
        "Davis",
        "Diaz",
        "Edwards",
        "Flores",
        "Garcia",
        "Gomez",
        "Green",
        "Hernandez",
        "Hill",
        "Huang",
        "Jackson",
        "Johnson",
        "Kim",
        "Lee",
        "Lopez",
        "Martinez",
        "Mendoza",
        "Mitchell",
        "Moore",
        "Morales",
        "Nguyen",
        "Okafor",
        "Ortiz",
        "Patel",
        "Perez",
        "Ramirez",
        "Reyes",
        "Robinson",
        "Rodriguez",
        "Sanchez",
        "Singh",
        "Smith",
        "Tanaka",
        "Taylor",
        "Thomas",
        "Torres",
        "Tran",
        "Vasquez",
        "Walker",
        "Washington",
        "White",
        "Williams",
        "Wright",
        "Yazzie",
        "Young",
    ]
)

# Job roles of people who take an equity-data course: mostly teachers, then coaches and
# school leaders; weights sum to 100.
JOB_ROLE_WEIGHTS: tuple[tuple[JobRole, int], ...] = (
    (JobRole.teacher, 58),
    (JobRole.coach, 15),
    (JobRole.principal, 12),
    (JobRole.district_leader, 7),
    (JobRole.other, 8),
)

COHORT_TERMS = ("fall-2025", "spring-2026", "summer-2026", "fall-2026")
COHORT_GROUPS = ("plc", "leaders", "coaches", "newteachers")


def organization_name(index: int) -> str:
    """The ``index``-th demo organization: "Riverbend Unified School District (demo)"."""
    place = _PLACES[index % len(_PLACES)]
    kind = _KINDS[(index // len(_PLACES) + index) % len(_KINDS)]
    series = index // (len(_PLACES) * len(_KINDS))
    suffix = f" {series + 1}" if series else ""
    return f"{place} {kind}{suffix} {DEMO_ORGANIZATION_SUFFIX}"


def organization_prefix(name: str) -> str:
    """A short code for cohort names: "Riverbend Unified ..." -> "rbu"."""
    words = [w for w in name.replace("(demo)", "").split() if w[0].isalpha()]
    return "".join(w[0] for w in words[:4]).lower()


# Reflection text: an opening, several middle sentences and a closing, chosen per learner.
OPENINGS = (
    "When I looked at our own numbers this week, I noticed something I had not expected.",
    "Reading this module made me think about a data meeting at my school last spring.",
    "I came into this with the habit of starting from the overall average.",
    "Our team talks about data every month, but rarely about who the system is serving.",
    "Honestly, my first reaction to the prompt was to defend what we already do.",
    "I work with a grade-level team that is eager to use data but short on time.",
)
MIDDLES = (
    "When we split chronic absence by student group, the gap was much larger than the "
    "school-wide rate suggested.",
    "Students with disabilities were missing far more days than their peers, and nobody on "
    "our team had named that pattern out loud.",
    "I realised that our discipline referrals are concentrated in a few subjective "
    "categories, which says more about adult decisions than about students.",
    "Access to advanced courses at equal proficiency is not equal in our building, and that "
    "is something the adults control.",
    "I want our meetings to separate what we see from what we infer before anyone proposes "
    "an intervention.",
    "Family voice is almost absent from the data we look at, so next month I will bring a "
    "short listening-campaign summary to the table.",
    "Small groups make me nervous now: I will check the minimum group size before sharing "
    "any chart outside the team.",
    "The predict, observe, infer, act protocol slowed us down in a good way and kept the "
    "conversation on systems rather than on individual students.",
    "A five-whys exercise pointed us to the bus schedule and the first-period policy, both "
    "of which we can actually change.",
    "I plan to track one practical measure each week instead of waiting for the spring "
    "test results.",
    "Our partnership agreement needs clearer roles, because right now the same two people "
    "do all of the data preparation.",
    "Celebrating a small improvement in attendance would help the team keep going when the "
    "next setback comes.",
    "I noticed that I reached for a deficit explanation first, and a sentence stem helped "
    "me reframe it as a question about our practice.",
    "Looking at the intersection of race and disability showed a pattern that neither view "
    "showed on its own.",
)
CLOSINGS = (
    "I will bring this question to our next team meeting.",
    "My next step is to share the disaggregated table with my principal and ask what we can "
    "change first.",
    "I am still unsure how to start, but I know where to look now.",
    "This changed how I will read the next dashboard we are sent.",
    "I want to try this with a small group of colleagues before the end of the term.",
)

SURVEY_COMMENTS = (
    "The data exercises were the most useful part; I wish there were more of them.",
    "Clear and practical. I shared the first module with my whole team.",
    "Some modules were long for one sitting, but I liked being able to come back later.",
    "The sentence stems for redirecting deficit talk were exactly what I needed.",
    "More examples from elementary schools would help.",
    "I would love a facilitator guide for running this with a group.",
    "The suppression rules finally make sense to me.",
    "It took me longer than the estimated time, mostly because I kept exploring the data.",
    "Thank you for making this free.",
    "The numeric questions were tricky; the hints helped.",
)
