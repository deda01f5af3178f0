"""The generator's catalogue: the constant tables the master data is drawn from.

Cities with their countries, time zones and coordinates; the named entities that exist at every
scale (suppliers, parts, products, facilities, routes, customers, with their fixed codes); the
manufacturing vocabularies (work-centre types, operations, component and product categories,
name parts, certifications); and the parameters of transport modes, work centres, routings and
storage layouts. Data only: the builders that draw the master tables from it are
:mod:`plantledger.generator.master` and :mod:`plantledger.generator.plant`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# code, city, state (USA only), country, IANA time zone, latitude, longitude, land region
CITIES: tuple[tuple[str, str, str | None, str, str, float, float, str], ...] = (
    ("CHI", "Chicago", "IL", "USA", "America/Chicago", 41.8781, -87.6298, "NA"),
    ("NYC", "New York", "NY", "USA", "America/New_York", 40.7128, -74.0060, "NA"),
    ("MUN", "Munich", None, "Germany", "Europe/Berlin", 48.1351, 11.5820, "EU"),
    ("SHA", "Shanghai", None, "China", "Asia/Shanghai", 31.2304, 121.4737, "CN"),
    ("LAX", "Los Angeles", "CA", "USA", "America/Los_Angeles", 34.0522, -118.2437, "NA"),
    ("HOU", "Houston", "TX", "USA", "America/Chicago", 29.7604, -95.3698, "NA"),
    ("PHX", "Phoenix", "AZ", "USA", "America/Phoenix", 33.4484, -112.0740, "NA"),
    ("PHL", "Philadelphia", "PA", "USA", "America/New_York", 39.9526, -75.1652, "NA"),
    ("SAT", "San Antonio", "TX", "USA", "America/Chicago", 29.4241, -98.4936, "NA"),
    ("SAN", "San Diego", "CA", "USA", "America/Los_Angeles", 32.7157, -117.1611, "NA"),
    ("DAL", "Dallas", "TX", "USA", "America/Chicago", 32.7767, -96.7970, "NA"),
    ("AUS", "Austin", "TX", "USA", "America/Chicago", 30.2672, -97.7431, "NA"),
    ("SEA", "Seattle", "WA", "USA", "America/Los_Angeles", 47.6062, -122.3321, "NA"),
    ("DEN", "Denver", "CO", "USA", "America/Denver", 39.7392, -104.9903, "NA"),
    ("ATL", "Atlanta", "GA", "USA", "America/New_York", 33.7490, -84.3880, "NA"),
    ("MIA", "Miami", "FL", "USA", "America/New_York", 25.7617, -80.1918, "NA"),
    ("BOS", "Boston", "MA", "USA", "America/New_York", 42.3601, -71.0589, "NA"),
    ("DET", "Detroit", "MI", "USA", "America/Detroit", 42.3314, -83.0458, "NA"),
    ("MSP", "Minneapolis", "MN", "USA", "America/Chicago", 44.9778, -93.2650, "NA"),
    ("STL", "St. Louis", "MO", "USA", "America/Chicago", 38.6270, -90.1994, "NA"),
    ("CLE", "Cleveland", "OH", "USA", "America/New_York", 41.4993, -81.6944, "NA"),
    ("PIT", "Pittsburgh", "PA", "USA", "America/New_York", 40.4406, -79.9959, "NA"),
    ("CLT", "Charlotte", "NC", "USA", "America/New_York", 35.2271, -80.8431, "NA"),
    ("IND", "Indianapolis", "IN", "USA", "America/Indiana/Indianapolis", 39.7684, -86.1581, "NA"),
    ("CMH", "Columbus", "OH", "USA", "America/New_York", 39.9612, -82.9988, "NA"),
    ("MEM", "Memphis", "TN", "USA", "America/Chicago", 35.1495, -90.0490, "NA"),
    ("BNA", "Nashville", "TN", "USA", "America/Chicago", 36.1627, -86.7816, "NA"),
    ("SLC", "Salt Lake City", "UT", "USA", "America/Denver", 40.7608, -111.8910, "NA"),
    ("PDX", "Portland", "OR", "USA", "America/Los_Angeles", 45.5152, -122.6784, "NA"),
    ("LAS", "Las Vegas", "NV", "USA", "America/Los_Angeles", 36.1699, -115.1398, "NA"),
    ("MKC", "Kansas City", "MO", "USA", "America/Chicago", 39.0997, -94.5786, "NA"),
    ("SFO", "San Francisco", "CA", "USA", "America/Los_Angeles", 37.7749, -122.4194, "NA"),
    ("SJC", "San Jose", "CA", "USA", "America/Los_Angeles", 37.3382, -121.8863, "NA"),
    ("MKE", "Milwaukee", "WI", "USA", "America/Chicago", 43.0389, -87.9065, "NA"),
    ("SDF", "Louisville", "KY", "USA", "America/Kentucky/Louisville", 38.2527, -85.7585, "NA"),
    ("BAL", "Baltimore", "MD", "USA", "America/New_York", 39.2904, -76.6122, "NA"),
    ("CVG", "Cincinnati", "OH", "USA", "America/New_York", 39.1031, -84.5120, "NA"),
    ("OKC", "Oklahoma City", "OK", "USA", "America/Chicago", 35.4676, -97.5164, "NA"),
    ("RIC", "Richmond", "VA", "USA", "America/New_York", 37.5407, -77.4360, "NA"),
    ("TOR", "Toronto", None, "Canada", "America/Toronto", 43.6532, -79.3832, "NA"),
    ("MTL", "Montreal", None, "Canada", "America/Toronto", 45.5017, -73.5673, "NA"),
    ("VAN", "Vancouver", None, "Canada", "America/Vancouver", 49.2827, -123.1207, "NA"),
    ("CAL", "Calgary", None, "Canada", "America/Edmonton", 51.0447, -114.0719, "NA"),
    ("MEX", "Mexico City", None, "Mexico", "America/Mexico_City", 19.4326, -99.1332, "NA"),
    ("MTY", "Monterrey", None, "Mexico", "America/Monterrey", 25.6866, -100.3161, "NA"),
    ("GDL", "Guadalajara", None, "Mexico", "America/Mexico_City", 20.6597, -103.3496, "NA"),
    ("TIJ", "Tijuana", None, "Mexico", "America/Tijuana", 32.5149, -117.0382, "NA"),
    ("SAO", "Sao Paulo", None, "Brazil", "America/Sao_Paulo", -23.5505, -46.6333, "SA"),
    ("RIO", "Rio de Janeiro", None, "Brazil", "America/Sao_Paulo", -22.9068, -43.1729, "SA"),
    (
        "BUE",
        "Buenos Aires",
        None,
        "Argentina",
        "America/Argentina/Buenos_Aires",
        -34.6037,
        -58.3816,
        "SA",
    ),
    ("SCL", "Santiago", None, "Chile", "America/Santiago", -33.4489, -70.6693, "SA"),
    ("BOG", "Bogota", None, "Colombia", "America/Bogota", 4.7110, -74.0721, "SA"),
    ("LON", "London", None, "UK", "Europe/London", 51.5074, -0.1278, "EU"),
    ("MAN", "Manchester", None, "UK", "Europe/London", 53.4808, -2.2426, "EU"),
    ("BHX", "Birmingham", None, "UK", "Europe/London", 52.4862, -1.8904, "EU"),
    ("DUB", "Dublin", None, "Ireland", "Europe/Dublin", 53.3498, -6.2603, "EU"),
    ("BER", "Berlin", None, "Germany", "Europe/Berlin", 52.5200, 13.4050, "EU"),
    ("HAM", "Hamburg", None, "Germany", "Europe/Berlin", 53.5511, 9.9937, "EU"),
    ("FRA", "Frankfurt", None, "Germany", "Europe/Berlin", 50.1109, 8.6821, "EU"),
    ("STR", "Stuttgart", None, "Germany", "Europe/Berlin", 48.7758, 9.1829, "EU"),
    ("CGN", "Cologne", None, "Germany", "Europe/Berlin", 50.9375, 6.9603, "EU"),
    ("PAR", "Paris", None, "France", "Europe/Paris", 48.8566, 2.3522, "EU"),
    ("LYS", "Lyon", None, "France", "Europe/Paris", 45.7640, 4.8357, "EU"),
    ("MRS", "Marseille", None, "France", "Europe/Paris", 43.2965, 5.3698, "EU"),
    ("AMS", "Amsterdam", None, "Netherlands", "Europe/Amsterdam", 52.3676, 4.9041, "EU"),
    ("RTM", "Rotterdam", None, "Netherlands", "Europe/Amsterdam", 51.9244, 4.4777, "EU"),
    ("BRU", "Brussels", None, "Belgium", "Europe/Brussels", 50.8503, 4.3517, "EU"),
    ("ANR", "Antwerp", None, "Belgium", "Europe/Brussels", 51.2194, 4.4025, "EU"),
    ("MAD", "Madrid", None, "Spain", "Europe/Madrid", 40.4168, -3.7038, "EU"),
    ("BCN", "Barcelona", None, "Spain", "Europe/Madrid", 41.3874, 2.1686, "EU"),
    ("MIL", "Milan", None, "Italy", "Europe/Rome", 45.4642, 9.1900, "EU"),
    ("TRN", "Turin", None, "Italy", "Europe/Rome", 45.0703, 7.6869, "EU"),
    ("ROM", "Rome", None, "Italy", "Europe/Rome", 41.9028, 12.4964, "EU"),
    ("ZRH", "Zurich", None, "Switzerland", "Europe/Zurich", 47.3769, 8.5417, "EU"),
    ("VIE", "Vienna", None, "Austria", "Europe/Vienna", 48.2082, 16.3738, "EU"),
    ("WAW", "Warsaw", None, "Poland", "Europe/Warsaw", 52.2297, 21.0122, "EU"),
    ("KRK", "Krakow", None, "Poland", "Europe/Warsaw", 50.0647, 19.9450, "EU"),
    ("PRG", "Prague", None, "Czechia", "Europe/Prague", 50.0755, 14.4378, "EU"),
    ("STO", "Stockholm", None, "Sweden", "Europe/Stockholm", 59.3293, 18.0686, "EU"),
    ("GOT", "Gothenburg", None, "Sweden", "Europe/Stockholm", 57.7089, 11.9746, "EU"),
    ("CPH", "Copenhagen", None, "Denmark", "Europe/Copenhagen", 55.6761, 12.5683, "EU"),
    ("HEL", "Helsinki", None, "Finland", "Europe/Helsinki", 60.1699, 24.9384, "EU"),
    ("OSL", "Oslo", None, "Norway", "Europe/Oslo", 59.9139, 10.7522, "EU"),
    ("BUD", "Budapest", None, "Hungary", "Europe/Budapest", 47.4979, 19.0402, "EU"),
    ("IST", "Istanbul", None, "Turkey", "Europe/Istanbul", 41.0082, 28.9784, "EU"),
    ("BUH", "Bucharest", None, "Romania", "Europe/Bucharest", 44.4268, 26.1025, "EU"),
    ("LIS", "Lisbon", None, "Portugal", "Europe/Lisbon", 38.7223, -9.1393, "EU"),
    ("DXB", "Dubai", None, "UAE", "Asia/Dubai", 25.2048, 55.2708, "ME"),
    ("RUH", "Riyadh", None, "Saudi Arabia", "Asia/Riyadh", 24.7136, 46.6753, "ME"),
    ("CAI", "Cairo", None, "Egypt", "Africa/Cairo", 30.0444, 31.2357, "AF-EG"),
    (
        "JNB",
        "Johannesburg",
        None,
        "South Africa",
        "Africa/Johannesburg",
        -26.2041,
        28.0473,
        "AF-ZA",
    ),
    ("CPT", "Cape Town", None, "South Africa", "Africa/Johannesburg", -33.9249, 18.4241, "AF-ZA"),
    ("LOS", "Lagos", None, "Nigeria", "Africa/Lagos", 6.5244, 3.3792, "AF-NG"),
    ("NBO", "Nairobi", None, "Kenya", "Africa/Nairobi", -1.2921, 36.8219, "AF-KE"),
    ("CAS", "Casablanca", None, "Morocco", "Africa/Casablanca", 33.5731, -7.5898, "AF-MA"),
    ("BOM", "Mumbai", None, "India", "Asia/Kolkata", 19.0760, 72.8777, "IN"),
    ("DEL", "Delhi", None, "India", "Asia/Kolkata", 28.7041, 77.1025, "IN"),
    ("BLR", "Bangalore", None, "India", "Asia/Kolkata", 12.9716, 77.5946, "IN"),
    ("MAA", "Chennai", None, "India", "Asia/Kolkata", 13.0827, 80.2707, "IN"),
    ("PNQ", "Pune", None, "India", "Asia/Kolkata", 18.5204, 73.8567, "IN"),
    ("PEK", "Beijing", None, "China", "Asia/Shanghai", 39.9042, 116.4074, "CN"),
    ("SZX", "Shenzhen", None, "China", "Asia/Shanghai", 22.5431, 114.0579, "CN"),
    ("CAN", "Guangzhou", None, "China", "Asia/Shanghai", 23.1291, 113.2644, "CN"),
    ("SUZ", "Suzhou", None, "China", "Asia/Shanghai", 31.2990, 120.5853, "CN"),
    ("TSN", "Tianjin", None, "China", "Asia/Shanghai", 39.3434, 117.3616, "CN"),
    ("CKG", "Chongqing", None, "China", "Asia/Shanghai", 29.4316, 106.9123, "CN"),
    ("WUH", "Wuhan", None, "China", "Asia/Shanghai", 30.5928, 114.3055, "CN"),
    ("CTU", "Chengdu", None, "China", "Asia/Shanghai", 30.5728, 104.0668, "CN"),
    ("XMN", "Xiamen", None, "China", "Asia/Shanghai", 24.4798, 118.0894, "CN"),
    ("NGB", "Ningbo", None, "China", "Asia/Shanghai", 29.8683, 121.5440, "CN"),
    ("DLC", "Dalian", None, "China", "Asia/Shanghai", 38.9140, 121.6147, "CN"),
    ("TAO", "Qingdao", None, "China", "Asia/Shanghai", 36.0671, 120.3826, "CN"),
    ("HKG", "Hong Kong", None, "Hong Kong", "Asia/Hong_Kong", 22.3193, 114.1694, "CN"),
    ("TPE", "Taipei", None, "Taiwan", "Asia/Taipei", 25.0330, 121.5654, "TW"),
    ("HSZ", "Hsinchu", None, "Taiwan", "Asia/Taipei", 24.8138, 120.9675, "TW"),
    ("KHH", "Kaohsiung", None, "Taiwan", "Asia/Taipei", 22.6273, 120.3014, "TW"),
    ("TYO", "Tokyo", None, "Japan", "Asia/Tokyo", 35.6762, 139.6503, "JP"),
    ("OSA", "Osaka", None, "Japan", "Asia/Tokyo", 34.6937, 135.5023, "JP"),
    ("NGO", "Nagoya", None, "Japan", "Asia/Tokyo", 35.1815, 136.9066, "JP"),
    ("YOK", "Yokohama", None, "Japan", "Asia/Tokyo", 35.4437, 139.6380, "JP"),
    ("SEL", "Seoul", None, "South Korea", "Asia/Seoul", 37.5665, 126.9780, "KR"),
    ("PUS", "Busan", None, "South Korea", "Asia/Seoul", 35.1796, 129.0756, "KR"),
    ("ICN", "Incheon", None, "South Korea", "Asia/Seoul", 37.4563, 126.7052, "KR"),
    ("SIN", "Singapore", None, "Singapore", "Asia/Singapore", 1.3521, 103.8198, "SEA"),
    ("KUL", "Kuala Lumpur", None, "Malaysia", "Asia/Kuala_Lumpur", 3.1390, 101.6869, "SEA"),
    ("PEN", "Penang", None, "Malaysia", "Asia/Kuala_Lumpur", 5.4141, 100.3288, "SEA"),
    ("BKK", "Bangkok", None, "Thailand", "Asia/Bangkok", 13.7563, 100.5018, "SEA"),
    ("SGN", "Ho Chi Minh City", None, "Vietnam", "Asia/Ho_Chi_Minh", 10.8231, 106.6297, "SEA"),
    ("JKT", "Jakarta", None, "Indonesia", "Asia/Jakarta", -6.2088, 106.8456, "ID"),
    ("MNL", "Manila", None, "Philippines", "Asia/Manila", 14.5995, 120.9842, "PH"),
    ("SYD", "Sydney", None, "Australia", "Australia/Sydney", -33.8688, 151.2093, "AU"),
    ("MEL", "Melbourne", None, "Australia", "Australia/Melbourne", -37.8136, 144.9631, "AU"),
    ("BNE", "Brisbane", None, "Australia", "Australia/Brisbane", -27.4698, 153.0251, "AU"),
    ("PER", "Perth", None, "Australia", "Australia/Perth", -31.9505, 115.8605, "AU"),
    ("AKL", "Auckland", None, "New Zealand", "Pacific/Auckland", -36.8485, 174.7633, "NZ"),
)

SUPPLIER_COUNTRY_WEIGHTS: Mapping[str, float] = {
    "China": 0.24,
    "USA": 0.18,
    "Germany": 0.09,
    "Japan": 0.07,
    "India": 0.06,
    "Taiwan": 0.06,
    "South Korea": 0.05,
    "Mexico": 0.05,
    "Vietnam": 0.03,
    "Italy": 0.03,
    "UK": 0.02,
    "France": 0.02,
    "Malaysia": 0.02,
    "Thailand": 0.02,
    "Poland": 0.02,
    "Canada": 0.02,
    "Czechia": 0.01,
    "Brazil": 0.01,
}
CUSTOMER_COUNTRY_WEIGHTS: Mapping[str, float] = {
    "USA": 0.40,
    "Germany": 0.06,
    "UK": 0.06,
    "China": 0.06,
    "Canada": 0.05,
    "France": 0.04,
    "Japan": 0.04,
    "India": 0.04,
    "Mexico": 0.03,
    "Brazil": 0.03,
    "Australia": 0.03,
    "Italy": 0.02,
    "Spain": 0.02,
    "Netherlands": 0.02,
    "South Korea": 0.02,
}
OTHER_COUNTRY_WEIGHT = 0.004


# name, tier, city (country follows from the city), credit rating
NAMED_SUPPLIERS: tuple[tuple[str, int, str, str], ...] = (
    ("Acme Corp", 1, "Chicago", "AA"),
    ("GlobalTech Industries", 1, "Shenzhen", "A"),
    ("Precision Parts Ltd", 1, "Stuttgart", "AAA"),
    ("Pacific Components", 2, "Hsinchu", "BBB"),
    ("Eastern Electronics", 3, "Suzhou", "BB"),
)
ACME, GLOBALTECH, PRECISION, PACIFIC, EASTERN = 1, 2, 3, 4, 5

# part_number, description, category, unit_cost, weight_kg, lead_time_days, primary supplier,
# is_critical, level (1 = bought component; higher levels are assemblies)
NAMED_PARTS: tuple[tuple[str, str, str, float, float, int, int, bool, int], ...] = (
    ("CHIP-001", "Microcontroller Chip", "electronics", 12.50, 0.005, 28, GLOBALTECH, True, 1),
    ("RESISTOR-100", "100 Ohm Resistor", "electronics", 0.05, 0.001, 14, ACME, False, 1),
    ("CAP-001", "Ceramic Capacitor 10uF", "electronics", 0.12, 0.001, 14, ACME, False, 1),
    ("MOTOR-001", "Brushless DC Motor", "electrical", 45.00, 0.850, 35, PRECISION, True, 1),
    ("SENSOR-001", "Temperature Sensor", "electrical", 18.75, 0.020, 21, PRECISION, False, 1),
    ("TURBO-ENC-001", "Turbo Encabulator Assembly", "assembly", 850.00, 12.500, 45, ACME, True, 3),
)
CHIP, RESISTOR, CAP, MOTOR, SENSOR, TURBO_ENC = 1, 2, 3, 4, 5, 6
# child, quantity of TURBO-ENC-001's bill
TURBO_ENC_BOM: tuple[tuple[int, float], ...] = (
    (CHIP, 2.0),
    (RESISTOR, 12.0),
    (CAP, 8.0),
    (MOTOR, 1.0),
    (SENSOR, 3.0),
)

# sku, name, category, list_price, launch (days before history start)
NAMED_PRODUCTS: tuple[tuple[str, str, str, float, int], ...] = (
    ("TURBO-001", "Turbo Encabulator", "industrial", 2499.00, 1460),
    ("FLUX-001", "Flux Capacitor", "electronics", 1885.00, 1100),
    ("WIDGET-STD", "Standard Widget", "consumer", 19.99, 2200),
)
TURBO, FLUX, WIDGET = 1, 2, 3
# product, part, quantity
NAMED_COMPONENTS: tuple[tuple[int, int, int], ...] = (
    (TURBO, TURBO_ENC, 1),
    (TURBO, CHIP, 2),
    (TURBO, MOTOR, 1),
    (FLUX, CHIP, 4),
    (FLUX, CAP, 2),
    (FLUX, SENSOR, 1),
    (WIDGET, RESISTOR, 4),
    (WIDGET, CAP, 2),
)

# facility_code, city, facility_type
NAMED_FACILITIES: tuple[tuple[str, str, str], ...] = (
    ("FAC-CHI", "Chicago", "factory"),
    ("FAC-NYC", "New York", "warehouse"),
    ("FAC-MUN", "Munich", "factory"),
    ("FAC-SH", "Shanghai", "factory"),
    ("FAC-LA", "Los Angeles", "distribution_center"),
)
FAC_CHI, FAC_NYC, FAC_MUN, FAC_SH, FAC_LA = 1, 2, 3, 4, 5
NAMED_ROUTES: tuple[tuple[int, int, str], ...] = (
    (FAC_CHI, FAC_NYC, "truck"),
    (FAC_CHI, FAC_LA, "rail"),
    (FAC_CHI, FAC_LA, "truck"),
    (FAC_NYC, FAC_LA, "truck"),
    (FAC_SH, FAC_LA, "sea"),
    (FAC_SH, FAC_LA, "air"),
    (FAC_MUN, FAC_NYC, "air"),
    (FAC_MUN, FAC_NYC, "sea"),
    (FAC_MUN, FAC_CHI, "air"),
)
FACILITY_LABEL: Mapping[str, str] = {
    "factory": "Plant",
    "warehouse": "Warehouse",
    "distribution_center": "Distribution Center",
}

# code, name, type, city
NAMED_CUSTOMERS: tuple[tuple[str, str, str, str], ...] = (
    ("CUST-ACME", "Acme Industries", "enterprise", "Chicago"),
    ("CUST-GLOBEX", "Globex Corporation", "enterprise", "New York"),
    ("CUST-INITECH", "Initech Inc", "wholesale", "Austin"),
)


WORK_CENTER_TYPES: Mapping[str, tuple[str, ...]] = {
    "assembly": ("Assembly Line", "Final Assembly", "Sub-Assembly"),
    "machining": ("CNC Station", "Lathe Cell", "Mill Center"),
    "fabrication": ("Welding Bay", "Stamping Press", "Forming Line"),
    "testing": ("QC Station", "Test Bench", "Burn-In Rack"),
    "packaging": ("Pack Line", "Shipping Prep", "Kitting Station"),
}
WC_ABBR: Mapping[str, str] = {
    "assembly": "ASM",
    "machining": "MCH",
    "fabrication": "FAB",
    "testing": "TEST",
    "packaging": "PKG",
}
OPERATIONS: tuple[str, ...] = (
    "Receive materials",
    "Stage components",
    "Pre-assembly inspection",
    "Solder components",
    "Mount PCB",
    "Wire harness assembly",
    "Mechanical assembly",
    "Calibration",
    "Functional test",
    "Burn-in test",
    "Final QC inspection",
    "Packaging",
    "Label and ship",
)
PREP_OPS = OPERATIONS[0:3]
ASM_OPS = OPERATIONS[3:7]
TEST_OPS = OPERATIONS[7:11]
PACK_OPS = OPERATIONS[11:13]
# the kind of work center each operation is performed at (assembly is the fallback)
OPERATION_WC_TYPE: Mapping[str, str] = {
    "Receive materials": "packaging",
    "Stage components": "packaging",
    "Pre-assembly inspection": "testing",
    "Solder components": "assembly",
    "Mount PCB": "assembly",
    "Wire harness assembly": "fabrication",
    "Mechanical assembly": "assembly",
    "Calibration": "testing",
    "Functional test": "testing",
    "Burn-in test": "testing",
    "Final QC inspection": "testing",
    "Packaging": "packaging",
    "Label and ship": "packaging",
}

# part categories of bought components: share, unit of measure, nouns
COMPONENT_CATEGORIES: tuple[tuple[str, float, str, tuple[str, ...]], ...] = (
    (
        "electronics",
        0.30,
        "each",
        (
            "Resistor",
            "Capacitor",
            "Diode",
            "Transistor",
            "Microcontroller",
            "Voltage Regulator",
            "Crystal Oscillator",
            "LED",
            "Inductor",
            "Fuse",
            "Relay",
            "Connector",
        ),
    ),
    (
        "mechanical",
        0.22,
        "each",
        (
            "Bearing",
            "Shaft",
            "Gear",
            "Bracket",
            "Spring",
            "Bushing",
            "Pulley",
            "Hinge",
            "Gasket",
            "Seal",
        ),
    ),
    ("fasteners", 0.14, "each", ("Bolt", "Screw", "Nut", "Washer", "Rivet", "Clip", "Pin")),
    (
        "electrical",
        0.12,
        "each",
        ("DC Motor", "Sensor", "Switch", "Transformer", "Solenoid", "Actuator", "Terminal Block"),
    ),
    (
        "raw_material",
        0.08,
        "kg",
        (
            "Steel Sheet",
            "Aluminium Bar",
            "Polymer Resin",
            "Brass Rod",
            "ABS Pellets",
            "Copper Strip",
        ),
    ),
    (
        "cables",
        0.07,
        "m",
        (
            "Copper Cable",
            "Ribbon Cable",
            "Coaxial Cable",
            "Hydraulic Hose",
            "Fibre Optic Cable",
            "PVC Tubing",
        ),
    ),
    (
        "chemicals",
        0.07,
        "L",
        ("Adhesive", "Lubricant", "Coolant", "Solvent", "Epoxy", "Conformal Coating"),
    ),
)
SUBASSEMBLY_NOUNS = (
    "PCB Assembly",
    "Gearbox",
    "Control Module",
    "Power Supply Unit",
    "Sensor Module",
    "Drive Unit",
    "Wiring Harness",
    "Valve Block",
)
ASSEMBLY_NOUNS = (
    "Motor Assembly",
    "Control Unit",
    "Housing Assembly",
    "Drive Train",
    "Pump Assembly",
    "Actuator Assembly",
    "Compressor Unit",
    "Power Module",
)
PART_ADJECTIVES = (
    "Standard",
    "Heavy-Duty",
    "Miniature",
    "High-Precision",
    "Industrial",
    "Compact",
    "Reinforced",
    "Low-Noise",
    "High-Temp",
    "Sealed",
)
LEVEL_SHARES = (0.60, 0.20, 0.10, 0.06, 0.04)

# product category, SKU prefix, nouns
PRODUCT_CATEGORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "industrial",
        "IND",
        (
            "Hydraulic Press",
            "Conveyor Drive",
            "Industrial Pump",
            "Air Compressor",
            "Gear Motor",
            "Servo Drive",
        ),
    ),
    (
        "electronics",
        "ELC",
        (
            "Signal Analyzer",
            "Power Inverter",
            "Control Board",
            "Data Logger",
            "Frequency Converter",
            "Smart Controller",
        ),
    ),
    (
        "automation",
        "AUT",
        (
            "Robot Arm",
            "PLC Controller",
            "Vision System",
            "Motion Controller",
            "Linear Actuator",
            "Sensor Array",
        ),
    ),
    (
        "consumer",
        "CON",
        (
            "Widget",
            "Smart Thermostat",
            "Power Tool",
            "Air Purifier",
            "Coffee Machine",
            "E-Bike Motor",
        ),
    ),
    (
        "medical",
        "MED",
        (
            "Infusion Pump",
            "Patient Monitor",
            "Diagnostic Scanner",
            "Ventilator Module",
            "Lab Centrifuge",
            "Surgical Light",
        ),
    ),
)
PRODUCT_ADJECTIVES = (
    "Standard",
    "Pro",
    "Compact",
    "Heavy-Duty",
    "Advanced",
    "Smart",
    "Eco",
    "Ultra",
)

CERTIFICATIONS: tuple[tuple[str, str, float], ...] = (
    ("ISO 9001", "ISO9001", 0.35),
    ("ISO 14001", "ISO14001", 0.20),
    ("ISO 45001", "ISO45001", 0.10),
    ("IATF 16949", "IATF16949", 0.10),
    ("AS9100", "AS9100", 0.08),
    ("ISO 13485", "ISO13485", 0.07),
    ("ISO/IEC 27001", "ISO27001", 0.05),
    ("ISO 50001", "ISO50001", 0.05),
)

SUPPLIER_SUFFIXES = (
    "Industries",
    "Manufacturing",
    "Components",
    "Technologies",
    "Systems",
    "Electronics",
    "Precision",
    "Supply Co",
    "Metals",
    "Group",
    "Inc",
    "LLC",
    "Ltd",
    "Corp",
)
CUSTOMER_SUFFIXES = (
    "Inc",
    "LLC",
    "Corp",
    "Group",
    "Holdings",
    "Enterprises",
    "Trading",
    "Retail",
    "Supply",
    "Partners",
    "& Co",
    "Industries",
    "Distribution",
)


MODES = ("truck", "rail", "air", "sea")
# cumulative mode probabilities per distance class: same region < 600 km, < 2,500 km, longer;
# different regions (overseas)
MODE_CUMULATIVE = np.cumsum(
    np.array(
        [
            [0.80, 0.20, 0.00, 0.00],
            [0.50, 0.30, 0.20, 0.00],
            [0.20, 0.30, 0.50, 0.00],
            [0.00, 0.00, 0.40, 0.60],
        ]
    ),
    axis=1,
)
MODE_ROAD_FACTOR = np.array([1.25, 1.2, 1.0, 1.4])
MODE_SPEED_KMH = np.array([60.0, 40.0, 650.0, 28.0])
MODE_HANDLING_H = np.array([4.0, 12.0, 24.0, 72.0])
MODE_FIXED_USD = np.array([250.0, 400.0, 1500.0, 2500.0])
MODE_PER_KM_USD = np.array([1.9, 0.9, 4.5, 0.35])


WC_SPECS: Mapping[str, tuple[tuple[int, int], tuple[float, float], tuple[int, int]]] = {
    # capacity per day, hourly rate (USD), setup minutes
    "assembly": ((200, 800), (45.0, 85.0), (15, 45)),
    "machining": ((100, 500), (60.0, 120.0), (30, 120)),
    "fabrication": ((150, 600), (50.0, 100.0), (20, 90)),
    "testing": ((150, 700), (40.0, 90.0), (10, 30)),
    "packaging": ((400, 1500), (30.0, 60.0), (5, 20)),
}
WC_TYPES = tuple(WORK_CENTER_TYPES)
RUN_MINUTES: Mapping[str, tuple[float, float]] = {
    "assembly": (2.0, 25.0),
    "machining": (3.0, 30.0),
    "fabrication": (2.0, 20.0),
    "testing": (1.0, 15.0),
    "packaging": (0.5, 5.0),
}


# routing templates: step kinds 0 prep, 1 first assembly op, 2 second assembly op,
# 3 first test op, 4 second test op, 5 packaging; -1 = no step
ROUTING_TEMPLATES = np.array(
    [
        [1, 3, 5, -1, -1],  # 3 steps
        [0, 1, 3, 5, -1],  # 4 steps
        [0, 1, 2, 3, 5],  # 5 steps, two assembly operations
        [0, 1, 3, 4, 5],  # 5 steps, two test operations
    ]
)
# named products: home factory, template, prep op, assembly ops, test ops, packaging op
NAMED_ROUTINGS: Mapping[int, tuple[int, int, int, tuple[int, int], tuple[int, int], int]] = {
    TURBO: (FAC_CHI, 2, 1, (0, 3), (1, 3), 0),
    FLUX: (FAC_MUN, 1, 0, (1, 2), (2, 3), 0),
    WIDGET: (FAC_CHI, 0, 0, (3, 0), (3, 0), 1),
}


VIRTUAL_LOCATIONS: tuple[tuple[str, str, str], ...] = (
    ("VENDOR", "vendor", "Vendor"),
    ("CUSTOMER", "customer", "Customer"),
    ("SCRAP", "scrap", "Scrap"),
    ("ADJUSTMENT", "adjustment", "Inventory Adjustment"),
    ("IN_TRANSIT", "in_transit", "In Transit"),
)
BAYS, LEVELS = 8, 4  # bins per aisle = bays x levels; aisles are lettered A, B, ...
