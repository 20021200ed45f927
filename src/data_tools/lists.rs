//! The lists synthetic patients and demo passwords are drawn from. Names are chosen to
//! exercise search: accents (Élodie Dupré, Søren Ødegaard, Łukasz Wiśniewski, Nguyễn),
//! apostrophes (O'Brien, D'Amico), hyphens (Marie-Ève, St-Pierre) and names of several
//! words (van der Berg, de la Cruz, Ó Súilleabháin).

#[rustfmt::skip]
pub const FEMALE_GIVEN: &[&str] = &[
    "Élodie", "Chloé", "Noémie", "Zoë", "Anaïs", "Maëlle", "Léa", "Camille", "Émilie",
    "Geneviève", "Marie-Ève", "Anne-Sophie", "Mélanie", "Stéphanie", "Isabelle", "Nathalie",
    "Sophie", "Julie", "Catherine", "Marie", "Sarah", "Emma", "Olivia", "Charlotte", "Amelia",
    "Ava", "Mia", "Evelyn", "Abigail", "Emily", "Elizabeth", "Sofia", "Ella", "Madison",
    "Scarlett", "Victoria", "Grace", "Hannah", "Lily", "Nora", "Layla", "Penelope", "Aoife",
    "Niamh", "Siobhán", "Saoirse", "Róisín", "Ingrid", "Astrid", "Sigrid", "Freja", "Maja",
    "Małgorzata", "Agnieszka", "Katarzyna", "Zofia", "María", "Lucía", "Carmen", "Ana María",
    "Inés", "Beatriz", "Mei", "Yuki", "Hana", "Sakura", "Priya", "Ananya", "Aisha", "Fatima",
    "Leila", "Amira", "Yasmin", "Chiamaka", "Adaeze", "Thảo", "Linh", "Mai", "Ji-woo",
    "Seo-yeon", "Þóra", "Dagný", "Renée", "Hélène", "Françoise", "Bérénice", "Joëlle", "Gaëlle",
    "Maude", "Josée", "Ève", "Océane", "Rosalie", "Florence", "Béatrice", "Jacqueline",
    "Margaret", "Dorothy", "Ruth", "Helen", "Shirley", "Joan", "Gloria", "Ayşe", "Zeynep",
    "Eszter", "Réka", "Jana", "Tereza", "Irina", "Oksana",
];

#[rustfmt::skip]
pub const MALE_GIVEN: &[&str] = &[
    "Søren", "Björn", "Łukasz", "François", "Jérôme", "José", "Jürgen", "Seán", "Pádraig",
    "Eoin", "Cian", "Zoltán", "Miklós", "Gábor", "Ömer", "İbrahim", "Mathieu", "Étienne",
    "Benoît", "Gaël", "Noël", "Raphaël", "Loïc", "Jean-François", "Pierre-Luc", "Marc-André",
    "Olivier", "Alexandre", "Gabriel", "Félix", "Antoine", "Samuel", "William", "Thomas",
    "Louis", "Nathan", "Liam", "Noah", "Oliver", "Elijah", "James", "Lucas", "Benjamin",
    "Henry", "Theodore", "Jack", "Leo", "Owen", "Daniel", "Michael", "David", "Joseph", "John",
    "Robert", "Richard", "Charles", "George", "Edward", "Arthur", "Walter", "Harold", "Kenji",
    "Hiroshi", "Takumi", "Wei", "Jun", "Hao", "Minh", "Quang", "Đức", "Arjun", "Rohan",
    "Vikram", "Omar", "Youssef", "Karim", "Hamza", "Mehdi", "Chukwuemeka", "Oluwaseun", "Kwame",
    "Mateo", "Santiago", "Andrés", "Joaquín", "Diego", "Nicolás", "Ángel", "Sebastián", "Piotr",
    "Krzysztof", "Wojciech", "Tomasz", "Henrik", "Lars", "Magnus", "Håkon", "Ørjan", "Ólafur",
    "Einar", "Aleksandr", "Dmitri", "Yusuf", "Emre", "Jiří", "Tomáš", "Bartłomiej", "Grégoire",
    "Rémi", "Aurélien",
];

#[rustfmt::skip]
pub const FAMILY: &[&str] = &[
    "Dupré", "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
    "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc",
    "Paquette", "Girard", "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé",
    "Poirier", "Fournier", "Lapointe", "Leclerc", "Lefebvre", "Poulin", "Thibault", "St-Pierre",
    "Desjardins", "Bérubé", "Généreux", "Thériault", "Lachance", "Séguin", "Éthier", "O'Brien",
    "O'Connor", "O'Neill", "O'Sullivan", "Ó Súilleabháin", "MacDonald", "McAllister",
    "McKenzie", "Fitzgerald", "Murphy", "Kelly", "Walsh", "Byrne", "Smith", "Johnson",
    "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas",
    "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker",
    "Nelson", "Carter", "Mitchell", "Campbell", "Roberts", "Evans", "Turner", "Phillips",
    "Parker", "Edwards", "Collins", "Stewart", "Morris", "Müller", "Schmidt", "Schneider",
    "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schäfer", "Koch", "Groß", "Köhler",
    "Kierkegaard", "Ødegaard", "Jørgensen", "Sørensen", "Østergaard", "Hansen", "Nielsen",
    "Lindqvist", "Åberg", "Sjöberg", "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kowalczyk",
    "Łukaszewski", "Zieliński", "Szymański", "Dąbrowski", "García", "López", "Martínez",
    "González", "Rodríguez", "Hernández", "Pérez", "Sánchez", "Ramírez", "Núñez", "Jiménez",
    "Muñoz", "Álvarez", "Gómez", "Díaz", "Moreno", "Romero", "Gutiérrez", "Ruiz", "Ortiz",
    "de la Cruz", "Del Río", "Da Silva", "dos Santos", "Conceição", "Gonçalves", "Magalhães",
    "Ferreira", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "D'Amico",
    "De Luca", "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Đặng", "Võ", "Chen", "Wang", "Li",
    "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Kim", "Lee", "Park",
    "Choi", "Jung", "Kang", "Yoon", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Itō",
    "Yamamoto", "Nakamura", "Kobayashi", "Patel", "Singh", "Sharma", "Gupta", "Kumar", "Shah",
    "Mehta", "Iyer", "Reddy", "Khan", "Ali", "Hussain", "Rahman", "Ahmed", "Al-Hassan",
    "Abu-Bakr", "El-Amin", "Haddad", "Khoury", "Nasser", "Okafor", "Okonkwo", "Adeyemi",
    "Mensah", "Owusu", "Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Novák", "Dvořák", "Černý",
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Papadopoulos", "Georgiou", "Ivanov",
    "Petrov", "Smirnov", "van der Berg", "van Dijk", "de Vries", "Jansen", "Janssen", "Peeters",
];

#[rustfmt::skip]
pub const NICKNAMES: &[&str] = &[
    "Bea", "Liz", "Kate", "Jo", "Sam", "Alex", "Max", "Bob", "Bill", "Ted", "Ben", "Dan",
    "Mike", "Joe", "Charlie", "Nico", "Lou", "Gigi", "Manu", "Steph", "Cathy", "Mo",
];

/// City, province, first letter of its postal codes, telephone area codes.
pub const CITIES: &[(&str, &str, char, &[u16])] = &[
    ("Montréal", "QC", 'H', &[514, 438]),
    ("Laval", "QC", 'H', &[450, 579]),
    ("Longueuil", "QC", 'J', &[450, 579]),
    ("Québec", "QC", 'G', &[418, 581]),
    ("Lévis", "QC", 'G', &[418, 581]),
    ("Gatineau", "QC", 'J', &[819, 873]),
    ("Sherbrooke", "QC", 'J', &[819, 873]),
    ("Trois-Rivières", "QC", 'G', &[819, 873]),
    ("Saint-Jean-sur-Richelieu", "QC", 'J', &[450]),
    ("Ottawa", "ON", 'K', &[613, 343]),
    ("Toronto", "ON", 'M', &[416, 647]),
    ("Moncton", "NB", 'E', &[506]),
    ("Halifax", "NS", 'B', &[902, 782]),
    ("Winnipeg", "MB", 'R', &[204, 431]),
    ("Calgary", "AB", 'T', &[403, 587]),
    ("Vancouver", "BC", 'V', &[604, 778]),
];

#[rustfmt::skip]
pub const STREETS: &[&str] = &[
    "rue Saint-Denis", "boulevard René-Lévesque Ouest", "avenue du Mont-Royal Est",
    "rue Sainte-Catherine Ouest", "chemin de la Côte-des-Neiges", "rue Notre-Dame",
    "boulevard Saint-Laurent", "avenue des Érables", "rue Principale", "rue de l'Église",
    "montée Saint-Hubert", "Main Street", "King Street West", "Queen Street East", "Elm Street",
    "Maple Avenue", "Oak Crescent", "Lakeshore Road",
];

#[rustfmt::skip]
pub const OCCUPATIONS: &[&str] = &[
    "Teacher", "Nurse", "Electrician", "Software developer", "Accountant", "Carpenter",
    "Cashier", "Truck driver", "Violinist", "Dentist", "Plumber", "Office clerk", "Farmer",
    "Chef", "Barista", "Lawyer", "Civil engineer", "Hairdresser", "Mechanic",
    "Warehouse worker", "Firefighter", "Police officer", "Social worker", "Graphic designer",
    "Pharmacist", "Librarian", "Welder", "Dancer", "Stay-at-home parent",
    "Physiotherapy assistant", "Bus driver", "Construction worker",
];

#[rustfmt::skip]
pub const RELATIONSHIPS: &[&str] = &[
    "Spouse", "Partner", "Mother", "Father", "Daughter", "Son", "Sister", "Brother", "Friend",
];

pub const EMAIL_DOMAINS: &[&str] = &["example.org", "example.com", "example.net", "mail.example"];

/// Words for the demo's generated passwords: common, unrelated, none a staff name.
#[rustfmt::skip]
pub const PASSWORD_WORDS: &[&str] = &[
    "amber", "anchor", "apple", "arrow", "aspen", "autumn", "badge", "bamboo", "banjo",
    "barley", "basil", "beacon", "bicycle", "birch", "biscuit", "blanket", "bloom", "bottle",
    "breeze", "brick", "bridge", "bucket", "butter", "cabin", "cactus", "camera", "candle",
    "canoe", "canyon", "carpet", "carrot", "castle", "cedar", "cello", "chalk", "cherry",
    "chimney", "cinder", "citrus", "cloud", "clover", "cobalt", "comet", "copper", "coral",
    "cotton", "cradle", "crane", "crayon", "cricket", "crystal", "cupboard", "daisy", "delta",
    "desert", "dolphin", "dragon", "drum", "eagle", "ember", "falcon", "feather", "fern",
    "fiddle", "flint", "forest", "fossil", "fountain", "garden", "garlic", "ginger", "glacier",
    "goblet", "granite", "gravel", "harbor", "harvest", "hazel", "helmet", "heron", "hollow",
    "honey", "island", "ivory", "jacket", "jasmine", "jigsaw", "juniper", "kayak", "kettle",
    "kiwi", "ladder", "lagoon", "lantern", "lemon", "lilac", "linen", "lobster", "locket",
    "magnet", "mango", "maple", "marble", "meadow", "melon", "mirror", "mitten", "monsoon",
    "mosaic", "muffin", "needle", "nickel", "nutmeg", "oasis", "oatmeal", "olive", "onion",
    "orbit", "orchid", "otter", "paddle", "pebble", "pepper", "piano", "pigeon", "pillow",
    "pine", "planet", "plum", "pocket", "pony", "poppy", "prairie", "pumpkin", "quartz",
    "quill", "rabbit", "radish", "raven", "ribbon", "river", "rocket", "saffron", "sailboat",
    "salmon", "sandal", "satchel", "scarf", "shadow", "shovel", "signal", "silver", "sketch",
    "sled", "spruce", "squirrel", "staple", "stone", "sugar", "summit", "sunset", "teapot",
    "thimble", "thistle", "thunder", "timber", "toffee", "tomato", "topaz", "tractor",
    "trumpet", "tulip", "tunnel", "turnip", "umbrella", "valley", "velvet", "violet", "walnut",
    "wander", "whistle", "willow", "window", "winter", "yarrow", "zephyr", "zigzag",
];
