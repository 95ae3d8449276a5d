/**
 * Static reference data for the demo store: countries, names, products and carriers.
 * Kept separate from the generator so the generation logic stays readable.
 */

export interface CityData {
  readonly city: string;
  readonly province: string | null;
  readonly provinceCode: string | null;
  readonly zip: string;
  readonly lat: number;
  readonly lng: number;
}

export interface CountryData {
  readonly code: string;
  readonly name: string;
  readonly locale: string;
  readonly phonePrefix: string;
  readonly timeZone: string;
  /** VAT/sales-tax rate in basis points (1900 = 19%). */
  readonly taxRateBp: number;
  readonly taxTitle: string;
  readonly firstNames: readonly string[];
  readonly lastNames: readonly string[];
  readonly streets: readonly string[];
  readonly cities: readonly CityData[];
  readonly carriers: readonly string[];
}

const GERMAN_FIRST = ["Anna", "Lukas", "Lea", "Finn", "Marie", "Jonas", "Sophie", "Felix", "Hannah", "Paul", "Mia", "Leon", "Emma", "Jan", "Clara", "Tobias", "Jana", "Moritz", "Katharina", "Julian"];
const GERMAN_LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger"];

export const COUNTRIES: Readonly<Record<string, CountryData>> = {
  DE: {
    code: "DE", name: "Germany", locale: "de", phonePrefix: "+49", timeZone: "Europe/Berlin",
    taxRateBp: 1900, taxTitle: "DE MwSt",
    firstNames: GERMAN_FIRST, lastNames: GERMAN_LAST,
    streets: ["Hauptstraße", "Schillerstraße", "Goethestraße", "Bahnhofstraße", "Lindenallee", "Gartenweg", "Bergstraße", "Kastanienallee"],
    cities: [
      { city: "Berlin", province: "Berlin", provinceCode: "BE", zip: "10115", lat: 52.532, lng: 13.384 },
      { city: "Hamburg", province: "Hamburg", provinceCode: "HH", zip: "20095", lat: 53.551, lng: 9.993 },
      { city: "München", province: "Bayern", provinceCode: "BY", zip: "80331", lat: 48.137, lng: 11.575 },
      { city: "Köln", province: "Nordrhein-Westfalen", provinceCode: "NW", zip: "50667", lat: 50.938, lng: 6.96 },
      { city: "Frankfurt am Main", province: "Hessen", provinceCode: "HE", zip: "60311", lat: 50.11, lng: 8.682 },
      { city: "Leipzig", province: "Sachsen", provinceCode: "SN", zip: "04109", lat: 51.34, lng: 12.375 },
      { city: "Stuttgart", province: "Baden-Württemberg", provinceCode: "BW", zip: "70173", lat: 48.776, lng: 9.177 },
      { city: "Freiburg im Breisgau", province: "Baden-Württemberg", provinceCode: "BW", zip: "79098", lat: 47.999, lng: 7.842 },
    ],
    carriers: ["DHL Express", "DPD", "Hermes", "GLS"],
  },
  AT: {
    code: "AT", name: "Austria", locale: "de", phonePrefix: "+43", timeZone: "Europe/Vienna",
    taxRateBp: 2000, taxTitle: "AT USt",
    firstNames: GERMAN_FIRST, lastNames: ["Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer", "Leitner"],
    streets: ["Mariahilfer Straße", "Landstraße", "Herrengasse", "Getreidegasse"],
    cities: [
      { city: "Wien", province: null, provinceCode: null, zip: "1010", lat: 48.208, lng: 16.373 },
      { city: "Graz", province: null, provinceCode: null, zip: "8010", lat: 47.07, lng: 15.439 },
      { city: "Salzburg", province: null, provinceCode: null, zip: "5020", lat: 47.809, lng: 13.055 },
    ],
    carriers: ["DHL Express", "DPD", "GLS"],
  },
  FR: {
    code: "FR", name: "France", locale: "fr", phonePrefix: "+33", timeZone: "Europe/Paris",
    taxRateBp: 2000, taxTitle: "FR TVA",
    firstNames: ["Camille", "Louis", "Chloé", "Hugo", "Léa", "Gabriel", "Manon", "Arthur", "Inès", "Jules"],
    lastNames: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"],
    streets: ["Rue de la République", "Avenue Victor Hugo", "Rue du Faubourg", "Boulevard Voltaire"],
    cities: [
      { city: "Paris", province: null, provinceCode: null, zip: "75011", lat: 48.859, lng: 2.38 },
      { city: "Lyon", province: null, provinceCode: null, zip: "69002", lat: 45.757, lng: 4.832 },
      { city: "Bordeaux", province: null, provinceCode: null, zip: "33000", lat: 44.837, lng: -0.579 },
    ],
    carriers: ["Colissimo", "DHL Express", "DPD"],
  },
  NL: {
    code: "NL", name: "Netherlands", locale: "nl", phonePrefix: "+31", timeZone: "Europe/Amsterdam",
    taxRateBp: 2100, taxTitle: "NL btw",
    firstNames: ["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Milan", "Sophie", "Levi", "Zoë"],
    lastNames: ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "Mulder"],
    streets: ["Keizersgracht", "Prinsengracht", "Oudegracht", "Kerkstraat"],
    cities: [
      { city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", zip: "1016 GV", lat: 52.374, lng: 4.884 },
      { city: "Utrecht", province: "Utrecht", provinceCode: "UT", zip: "3511 AB", lat: 52.091, lng: 5.122 },
      { city: "Rotterdam", province: "Zuid-Holland", provinceCode: "ZH", zip: "3011 AA", lat: 51.922, lng: 4.479 },
    ],
    carriers: ["PostNL", "DHL Express"],
  },
  BE: {
    code: "BE", name: "Belgium", locale: "nl", phonePrefix: "+32", timeZone: "Europe/Brussels",
    taxRateBp: 2100, taxTitle: "BE BTW",
    firstNames: ["Noah", "Olivia", "Arthur", "Louise", "Jules", "Elise", "Victor", "Marie"],
    lastNames: ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens"],
    streets: ["Meir", "Rue Neuve", "Veldstraat", "Avenue Louise"],
    cities: [
      { city: "Antwerpen", province: null, provinceCode: null, zip: "2000", lat: 51.219, lng: 4.402 },
      { city: "Gent", province: null, provinceCode: null, zip: "9000", lat: 51.054, lng: 3.725 },
      { city: "Bruxelles", province: null, provinceCode: null, zip: "1000", lat: 50.85, lng: 4.352 },
    ],
    carriers: ["DHL Express", "DPD", "GLS"],
  },
  IT: {
    code: "IT", name: "Italy", locale: "it", phonePrefix: "+39", timeZone: "Europe/Rome",
    taxRateBp: 2200, taxTitle: "IT IVA",
    firstNames: ["Giulia", "Francesco", "Sofia", "Alessandro", "Aurora", "Lorenzo", "Ginevra", "Matteo"],
    lastNames: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"],
    streets: ["Via Roma", "Corso Italia", "Via Garibaldi", "Via Dante"],
    cities: [
      { city: "Milano", province: "Milano", provinceCode: "MI", zip: "20121", lat: 45.464, lng: 9.19 },
      { city: "Bologna", province: "Bologna", provinceCode: "BO", zip: "40121", lat: 44.494, lng: 11.343 },
      { city: "Roma", province: "Roma", provinceCode: "RM", zip: "00184", lat: 41.895, lng: 12.496 },
    ],
    carriers: ["DHL Express", "GLS"],
  },
  ES: {
    code: "ES", name: "Spain", locale: "es", phonePrefix: "+34", timeZone: "Europe/Madrid",
    taxRateBp: 2100, taxTitle: "ES IVA",
    firstNames: ["Lucía", "Hugo", "Martina", "Mateo", "Paula", "Daniel", "Carmen", "Pablo"],
    lastNames: ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez"],
    streets: ["Calle Mayor", "Gran Vía", "Calle de Alcalá", "Passeig de Gràcia"],
    cities: [
      { city: "Madrid", province: "Madrid", provinceCode: "M", zip: "28013", lat: 40.418, lng: -3.704 },
      { city: "Barcelona", province: "Barcelona", provinceCode: "B", zip: "08007", lat: 41.391, lng: 2.165 },
      { city: "Valencia", province: "Valencia", provinceCode: "V", zip: "46002", lat: 39.47, lng: -0.376 },
    ],
    carriers: ["DHL Express", "GLS"],
  },
  US: {
    code: "US", name: "United States", locale: "en", phonePrefix: "+1", timeZone: "America/New_York",
    taxRateBp: 725, taxTitle: "State Tax",
    firstNames: ["Emily", "James", "Olivia", "Michael", "Ava", "Ethan", "Madison", "Noah", "Chloe", "Daniel"],
    lastNames: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Taylor"],
    streets: ["Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Elm Street"],
    cities: [
      { city: "Brooklyn", province: "New York", provinceCode: "NY", zip: "11201", lat: 40.693, lng: -73.99 },
      { city: "Austin", province: "Texas", provinceCode: "TX", zip: "78701", lat: 30.27, lng: -97.743 },
      { city: "Portland", province: "Oregon", provinceCode: "OR", zip: "97205", lat: 45.52, lng: -122.681 },
      { city: "Chicago", province: "Illinois", provinceCode: "IL", zip: "60607", lat: 41.875, lng: -87.651 },
    ],
    carriers: ["UPS", "USPS", "FedEx"],
  },
  GB: {
    code: "GB", name: "United Kingdom", locale: "en", phonePrefix: "+44", timeZone: "Europe/London",
    taxRateBp: 2000, taxTitle: "GB VAT",
    firstNames: ["Oliver", "Amelia", "George", "Isla", "Harry", "Freya", "Jack", "Poppy"],
    lastNames: ["Smith", "Jones", "Taylor", "Brown", "Evans", "Walker", "Wright", "Hughes"],
    streets: ["High Street", "Station Road", "Church Lane", "Victoria Road"],
    cities: [
      { city: "London", province: "England", provinceCode: "ENG", zip: "E1 6AN", lat: 51.52, lng: -0.072 },
      { city: "Manchester", province: "England", provinceCode: "ENG", zip: "M1 1AE", lat: 53.48, lng: -2.237 },
      { city: "Edinburgh", province: "Scotland", provinceCode: "SCT", zip: "EH1 1YZ", lat: 55.953, lng: -3.189 },
    ],
    carriers: ["Royal Mail", "DPD", "Evri"],
  },
  CA: {
    code: "CA", name: "Canada", locale: "en", phonePrefix: "+1", timeZone: "America/Toronto",
    taxRateBp: 1300, taxTitle: "HST",
    firstNames: ["Liam", "Charlotte", "William", "Emma", "Benjamin", "Sophia"],
    lastNames: ["Tremblay", "Roy", "Gagnon", "Wilson", "MacDonald", "Campbell"],
    streets: ["Queen Street West", "King Street", "Yonge Street"],
    cities: [
      { city: "Toronto", province: "Ontario", provinceCode: "ON", zip: "M5V 2T6", lat: 43.645, lng: -79.395 },
      { city: "Ottawa", province: "Ontario", provinceCode: "ON", zip: "K1P 1J1", lat: 45.422, lng: -75.697 },
    ],
    carriers: ["Canada Post", "UPS"],
  },
  AU: {
    code: "AU", name: "Australia", locale: "en", phonePrefix: "+61", timeZone: "Australia/Sydney",
    taxRateBp: 1000, taxTitle: "GST",
    firstNames: ["Jack", "Charlotte", "Oliver", "Mia", "Thomas", "Ruby"],
    lastNames: ["Smith", "Nguyen", "Williams", "Kelly", "Ryan", "Walsh"],
    streets: ["George Street", "Collins Street", "Queen Street"],
    cities: [
      { city: "Sydney", province: "New South Wales", provinceCode: "NSW", zip: "2000", lat: -33.869, lng: 151.207 },
      { city: "Melbourne", province: "Victoria", provinceCode: "VIC", zip: "3000", lat: -37.814, lng: 144.963 },
    ],
    carriers: ["Australia Post", "DHL Express"],
  },
  JP: {
    code: "JP", name: "Japan", locale: "ja", phonePrefix: "+81", timeZone: "Asia/Tokyo",
    taxRateBp: 1000, taxTitle: "JP CT",
    firstNames: ["Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi"],
    lastNames: ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"],
    streets: ["1-2-3 Jingumae", "4-5-6 Shibuya", "2-1-1 Nihonbashi"],
    cities: [
      { city: "Shibuya-ku", province: "Tokyo", provinceCode: "JP-13", zip: "150-0001", lat: 35.67, lng: 139.702 },
      { city: "Osaka", province: "Osaka", provinceCode: "JP-27", zip: "530-0001", lat: 34.702, lng: 135.496 },
    ],
    carriers: ["Japan Post (EN)", "DHL Express"],
  },
  CH: {
    code: "CH", name: "Switzerland", locale: "de", phonePrefix: "+41", timeZone: "Europe/Zurich",
    taxRateBp: 810, taxTitle: "CH MWST",
    firstNames: GERMAN_FIRST, lastNames: ["Müller", "Meier", "Schmid", "Keller", "Weber", "Huber"],
    streets: ["Bahnhofstrasse", "Limmatquai", "Marktgasse"],
    cities: [
      { city: "Zürich", province: "Zürich", provinceCode: "ZH", zip: "8001", lat: 47.373, lng: 8.539 },
      { city: "Bern", province: "Bern", provinceCode: "BE", zip: "3011", lat: 46.948, lng: 7.447 },
    ],
    carriers: ["DHL Express", "DPD"],
  },
};

/** Home country of a shop and where its customers live, by store currency. */
export const MARKETS: Readonly<Record<string, { home: string; mix: ReadonlyArray<{ value: string; weight: number }> }>> = {
  EUR: {
    home: "DE",
    mix: [
      { value: "DE", weight: 60 }, { value: "AT", weight: 10 }, { value: "FR", weight: 8 }, { value: "NL", weight: 8 },
      { value: "BE", weight: 5 }, { value: "IT", weight: 5 }, { value: "ES", weight: 4 },
    ],
  },
  USD: { home: "US", mix: [{ value: "US", weight: 100 }] },
  GBP: { home: "GB", mix: [{ value: "GB", weight: 100 }] },
  CAD: { home: "CA", mix: [{ value: "CA", weight: 100 }] },
  AUD: { home: "AU", mix: [{ value: "AU", weight: 100 }] },
  JPY: { home: "JP", mix: [{ value: "JP", weight: 100 }] },
  CHF: { home: "CH", mix: [{ value: "CH", weight: 100 }] },
};

/** Rough EUR conversion used only to make catalog prices plausible in other currencies. */
export const EUR_RATE: Readonly<Record<string, number>> = {
  EUR: 1, USD: 1.1, GBP: 0.85, CAD: 1.5, AUD: 1.65, JPY: 160, CHF: 0.95, SEK: 11.5, DKK: 7.45, NOK: 11.7, PLN: 4.3,
};

export interface ProductData {
  readonly title: string;
  readonly vendor: string;
  readonly skuPrefix: string;
  /** Price in EUR cents. */
  readonly priceEur: number;
  readonly grams: number;
  readonly options: readonly string[];
  /** Covered by the store-wide automatic "Seasonal sale" discount. */
  readonly onSale: boolean;
}

export const PRODUCTS: readonly ProductData[] = [
  { title: "Merino Crew Sweater", vendor: "Nordfold", skuPrefix: "MCS", priceEur: 8900, grams: 420, options: ["S / Navy", "M / Navy", "L / Oatmeal", "XL / Charcoal"], onSale: false },
  { title: "Organic Cotton Tee", vendor: "Nordfold", skuPrefix: "OCT", priceEur: 2900, grams: 180, options: ["S / White", "M / Black", "L / Sage", "XL / White"], onSale: true },
  { title: "Linen Shirt", vendor: "Atelier Sund", skuPrefix: "LSH", priceEur: 6900, grams: 230, options: ["M / Sand", "L / Sky", "XL / Sand"], onSale: false },
  { title: "Canvas Weekender Bag", vendor: "Kestrel & Co", skuPrefix: "CWB", priceEur: 14900, grams: 1350, options: ["Olive", "Black"], onSale: false },
  { title: "Wool Beanie", vendor: "Nordfold", skuPrefix: "WBE", priceEur: 2490, grams: 90, options: ["Rust", "Charcoal", "Forest"], onSale: true },
  { title: "Leather Card Holder", vendor: "Kestrel & Co", skuPrefix: "LCH", priceEur: 3900, grams: 40, options: ["Cognac", "Black"], onSale: false },
  { title: "Ceramic Pour-Over Set", vendor: "Haus Tonwerk", skuPrefix: "CPO", priceEur: 5400, grams: 980, options: ["Speckled White", "Matte Black"], onSale: false },
  { title: "Stoneware Mug", vendor: "Haus Tonwerk", skuPrefix: "SMG", priceEur: 1850, grams: 360, options: ["Glacier", "Clay", "Moss"], onSale: true },
  { title: "Trail Running Socks (3-Pack)", vendor: "Peakline", skuPrefix: "TRS", priceEur: 1995, grams: 150, options: ["39-42", "43-46"], onSale: false },
  { title: "Rain Shell Jacket", vendor: "Peakline", skuPrefix: "RSJ", priceEur: 18900, grams: 520, options: ["S / Yellow", "M / Navy", "L / Navy", "XL / Black"], onSale: false },
  { title: "Waxed Cotton Cap", vendor: "Atelier Sund", skuPrefix: "WCC", priceEur: 3400, grams: 110, options: ["Olive", "Tan"], onSale: true },
  { title: "Bamboo Cutting Board", vendor: "Haus Tonwerk", skuPrefix: "BCB", priceEur: 4400, grams: 1100, options: ["Medium", "Large"], onSale: false },
  { title: "Scented Soy Candle", vendor: "Lumen Atelier", skuPrefix: "SSC", priceEur: 2600, grams: 320, options: ["Fig & Cedar", "Sea Salt", "Amber"], onSale: true },
  { title: "Insulated Water Bottle", vendor: "Peakline", skuPrefix: "IWB", priceEur: 3200, grams: 390, options: ["500 ml / Steel", "750 ml / Forest"], onSale: false },
  { title: "Everyday Backpack", vendor: "Kestrel & Co", skuPrefix: "EBP", priceEur: 11900, grams: 980, options: ["Black", "Sand"], onSale: false },
];

export interface CarrierData {
  readonly company: string;
  readonly url: (number: string) => string;
  readonly number: (digits: (count: number) => string, code: (count: number) => string) => string;
}

export const CARRIERS: Readonly<Record<string, CarrierData>> = {
  "DHL Express": { company: "DHL Express", url: (n) => `https://www.dhl.com/en/express/tracking.html?AWB=${n}&brand=DHL`, number: (d) => d(10) },
  DPD: { company: "DPD", url: (n) => `https://tracking.dpd.de/status/en_US/parcel/${n}`, number: (d) => `0${d(13)}` },
  Hermes: { company: "Hermes", url: (n) => `https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#${n}`, number: (d) => `H${d(19)}` },
  GLS: { company: "GLS", url: (n) => `https://gls-group.eu/track/${n}`, number: (d) => d(11) },
  Colissimo: { company: "Colissimo", url: (n) => `https://www.laposte.fr/outils/track-a-parcel?code=${n}`, number: (d) => `6A${d(11)}` },
  PostNL: { company: "PostNL", url: (n) => `https://jouw.postnl.nl/track-and-trace/${n}`, number: (_d, c) => `3S${c(13)}` },
  UPS: { company: "UPS", url: (n) => `https://www.ups.com/track?tracknum=${n}`, number: (_d, c) => `1Z${c(16)}` },
  USPS: { company: "USPS", url: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`, number: (d) => `9400${d(18)}` },
  FedEx: { company: "FedEx", url: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`, number: (d) => d(12) },
  "Royal Mail": { company: "Royal Mail", url: (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`, number: (d, c) => `${c(2)}${d(9)}GB` },
  Evri: { company: "Evri", url: (n) => `https://www.evri.com/track/parcel/${n}`, number: (_d, c) => `H${c(15)}` },
  "Canada Post": { company: "Canada Post", url: (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${n}`, number: (d) => d(16) },
  "Australia Post": { company: "Australia Post", url: (n) => `https://auspost.com.au/mypost/track/details/${n}`, number: (_d, c) => c(12) },
  "Japan Post (EN)": { company: "Japan Post (EN)", url: (n) => `https://trackings.post.japanpost.jp/services/srv/search/?requestNo1=${n}&locale=en`, number: (d) => d(12) },
};

export const DISCOUNT_CODES: ReadonlyArray<{ code: string; percent: number }> = [
  { code: "WELCOME10", percent: 10 },
  { code: "SPRING15", percent: 15 },
  { code: "VIP20", percent: 20 },
  { code: "NEWSLETTER5", percent: 5 },
];

export const ORDER_TAGS = ["wholesale", "gift", "priority", "repeat-customer", "influencer", "b2b", "fragile", "pre-order", "vip"];
export const CUSTOMER_TAGS = ["VIP", "newsletter", "wholesale", "returning", "loyalty-gold"];
export const ORDER_NOTES = [
  "Please leave the parcel with the neighbour if nobody is home.",
  "Gift — please don't include the invoice.",
  "Customer asked for delivery after the 15th.",
  "Bitte klingeln, Hinterhaus 2. OG.",
  "Combine with previous order if possible.",
];

export const CUSTOMER_NOTES = [
  "Prefers email contact.",
  "Wholesale account, net 30 on request.",
  "Had a damaged parcel last time, double-box fragile items.",
];
