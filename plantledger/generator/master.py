"""Master data: the base supply-chain model and the manufacturing master tables.

``build_master(params)`` returns one Polars frame per master table, with exactly the columns of
``plantledger.schema.RAW_SCHEMAS`` (the caller casts them to the contract). Everything is built
column-wise with NumPy and Polars; each table draws from its own random stream
(``params.rng("<table>")``), so the output depends only on the parameters. Faker is used only to
seed small pools of surnames for company names.

Named entities with fixed codes (suppliers SUP00001-3, parts CHIP-001 ..., products TURBO-001 ...,
facilities FAC-CHI ..., customers CUST-ACME ..., work centers WC-ASM-01 / WC-TEST-01) come first
in their tables and exist at every scale.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl
from faker import Faker

from plantledger.params import GenerationParams

Members = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_DAY_S = 86_400
_US = 1_000_000
_NAT = np.datetime64("NaT", "D")

# --- reference data ----------------------------------------------------------------------------

# code, city, state (USA only), country, IANA time zone, latitude, longitude, land region
_CITIES: tuple[tuple[str, str, str | None, str, str, float, float, str], ...] = (
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

_SUPPLIER_COUNTRY_WEIGHTS: Mapping[str, float] = {
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
_CUSTOMER_COUNTRY_WEIGHTS: Mapping[str, float] = {
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
_OTHER_COUNTRY_WEIGHT = 0.004

# --- named entities ----------------------------------------------------------------------------

# name, tier, city (country follows from the city), credit rating
_NAMED_SUPPLIERS: tuple[tuple[str, int, str, str], ...] = (
    ("Acme Corp", 1, "Chicago", "AA"),
    ("GlobalTech Industries", 1, "Shenzhen", "A"),
    ("Precision Parts Ltd", 1, "Stuttgart", "AAA"),
    ("Pacific Components", 2, "Hsinchu", "BBB"),
    ("Eastern Electronics", 3, "Suzhou", "BB"),
)
_ACME, _GLOBALTECH, _PRECISION, _PACIFIC, _EASTERN = 1, 2, 3, 4, 5

# part_number, description, category, unit_cost, weight_kg, lead_time_days, primary supplier,
# is_critical, level (1 = bought component; higher levels are assemblies)
_NAMED_PARTS: tuple[tuple[str, str, str, float, float, int, int, bool, int], ...] = (
    ("CHIP-001", "Microcontroller Chip", "electronics", 12.50, 0.005, 28, _GLOBALTECH, True, 1),
    ("RESISTOR-100", "100 Ohm Resistor", "electronics", 0.05, 0.001, 14, _ACME, False, 1),
    ("CAP-001", "Ceramic Capacitor 10uF", "electronics", 0.12, 0.001, 14, _ACME, False, 1),
    ("MOTOR-001", "Brushless DC Motor", "electrical", 45.00, 0.850, 35, _PRECISION, True, 1),
    ("SENSOR-001", "Temperature Sensor", "electrical", 18.75, 0.020, 21, _PRECISION, False, 1),
    ("TURBO-ENC-001", "Turbo Encabulator Assembly", "assembly", 850.00, 12.500, 45, _ACME, True, 3),
)
_CHIP, _RESISTOR, _CAP, _MOTOR, _SENSOR, _TURBO_ENC = 1, 2, 3, 4, 5, 6
# child, quantity of TURBO-ENC-001's bill
_TURBO_ENC_BOM: tuple[tuple[int, float], ...] = (
    (_CHIP, 2.0),
    (_RESISTOR, 12.0),
    (_CAP, 8.0),
    (_MOTOR, 1.0),
    (_SENSOR, 3.0),
)

# sku, name, category, list_price, launch (days before history start)
_NAMED_PRODUCTS: tuple[tuple[str, str, str, float, int], ...] = (
    ("TURBO-001", "Turbo Encabulator", "industrial", 2499.00, 1460),
    ("FLUX-001", "Flux Capacitor", "electronics", 1885.00, 1100),
    ("WIDGET-STD", "Standard Widget", "consumer", 19.99, 2200),
)
_TURBO, _FLUX, _WIDGET = 1, 2, 3
# product, part, quantity
_NAMED_COMPONENTS: tuple[tuple[int, int, int], ...] = (
    (_TURBO, _TURBO_ENC, 1),
    (_TURBO, _CHIP, 2),
    (_TURBO, _MOTOR, 1),
    (_FLUX, _CHIP, 4),
    (_FLUX, _CAP, 2),
    (_FLUX, _SENSOR, 1),
    (_WIDGET, _RESISTOR, 4),
    (_WIDGET, _CAP, 2),
)

# facility_code, city, facility_type
_NAMED_FACILITIES: tuple[tuple[str, str, str], ...] = (
    ("FAC-CHI", "Chicago", "factory"),
    ("FAC-NYC", "New York", "warehouse"),
    ("FAC-MUN", "Munich", "factory"),
    ("FAC-SH", "Shanghai", "factory"),
    ("FAC-LA", "Los Angeles", "distribution_center"),
)
_FAC_CHI, _FAC_NYC, _FAC_MUN, _FAC_SH, _FAC_LA = 1, 2, 3, 4, 5
_NAMED_ROUTES: tuple[tuple[int, int, str], ...] = (
    (_FAC_CHI, _FAC_NYC, "truck"),
    (_FAC_CHI, _FAC_LA, "rail"),
    (_FAC_CHI, _FAC_LA, "truck"),
    (_FAC_NYC, _FAC_LA, "truck"),
    (_FAC_SH, _FAC_LA, "sea"),
    (_FAC_SH, _FAC_LA, "air"),
    (_FAC_MUN, _FAC_NYC, "air"),
    (_FAC_MUN, _FAC_NYC, "sea"),
    (_FAC_MUN, _FAC_CHI, "air"),
)
_FACILITY_LABEL: Mapping[str, str] = {
    "factory": "Plant",
    "warehouse": "Warehouse",
    "distribution_center": "Distribution Center",
}

# code, name, type, city
_NAMED_CUSTOMERS: tuple[tuple[str, str, str, str], ...] = (
    ("CUST-ACME", "Acme Industries", "enterprise", "Chicago"),
    ("CUST-GLOBEX", "Globex Corporation", "enterprise", "New York"),
    ("CUST-INITECH", "Initech Inc", "wholesale", "Austin"),
)

# --- manufacturing vocabularies (from the manufacturing execution plan) -----------------------

WORK_CENTER_TYPES: Mapping[str, tuple[str, ...]] = {
    "assembly": ("Assembly Line", "Final Assembly", "Sub-Assembly"),
    "machining": ("CNC Station", "Lathe Cell", "Mill Center"),
    "fabrication": ("Welding Bay", "Stamping Press", "Forming Line"),
    "testing": ("QC Station", "Test Bench", "Burn-In Rack"),
    "packaging": ("Pack Line", "Shipping Prep", "Kitting Station"),
}
_WC_ABBR: Mapping[str, str] = {
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
_PREP_OPS = OPERATIONS[0:3]
_ASM_OPS = OPERATIONS[3:7]
_TEST_OPS = OPERATIONS[7:11]
_PACK_OPS = OPERATIONS[11:13]
# the kind of work center each operation is performed at (assembly is the fallback)
_OPERATION_WC_TYPE: Mapping[str, str] = {
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
_COMPONENT_CATEGORIES: tuple[tuple[str, float, str, tuple[str, ...]], ...] = (
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
_SUBASSEMBLY_NOUNS = (
    "PCB Assembly",
    "Gearbox",
    "Control Module",
    "Power Supply Unit",
    "Sensor Module",
    "Drive Unit",
    "Wiring Harness",
    "Valve Block",
)
_ASSEMBLY_NOUNS = (
    "Motor Assembly",
    "Control Unit",
    "Housing Assembly",
    "Drive Train",
    "Pump Assembly",
    "Actuator Assembly",
    "Compressor Unit",
    "Power Module",
)
_PART_ADJECTIVES = (
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
_LEVEL_SHARES = (0.60, 0.20, 0.10, 0.06, 0.04)

# product category, SKU prefix, nouns
_PRODUCT_CATEGORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
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
_PRODUCT_ADJECTIVES = (
    "Standard",
    "Pro",
    "Compact",
    "Heavy-Duty",
    "Advanced",
    "Smart",
    "Eco",
    "Ultra",
)

_CERTIFICATIONS: tuple[tuple[str, str, float], ...] = (
    ("ISO 9001", "ISO9001", 0.35),
    ("ISO 14001", "ISO14001", 0.20),
    ("ISO 45001", "ISO45001", 0.10),
    ("IATF 16949", "IATF16949", 0.10),
    ("AS9100", "AS9100", 0.08),
    ("ISO 13485", "ISO13485", 0.07),
    ("ISO/IEC 27001", "ISO27001", 0.05),
    ("ISO 50001", "ISO50001", 0.05),
)

_SUPPLIER_SUFFIXES = (
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
_CUSTOMER_SUFFIXES = (
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


# --- small helpers -----------------------------------------------------------------------------


def _ids(n: int) -> np.ndarray:
    return np.arange(1, n + 1, dtype=np.int64)


def _days(base: dt.date, offsets: np.ndarray, null: np.ndarray | None = None) -> np.ndarray:
    """Dates ``base + offsets`` (days) as datetime64[D]; ``null`` rows become NaT (null)."""
    out = np.datetime64(base, "D") + np.asarray(offsets, dtype=np.int64)
    if null is not None:
        out = np.where(null, _NAT, out)
    return out


def _us(instant: dt.datetime) -> int:
    return (instant - _EPOCH) // dt.timedelta(microseconds=1)


def _instants(us: np.ndarray) -> pl.Series:
    """UTC timestamps from microseconds since the epoch."""
    return pl.Series(np.asarray(us, dtype=np.int64).astype("datetime64[us]")).dt.replace_time_zone(
        "UTC"
    )


def _created_before(
    rng: np.random.Generator, params: GenerationParams, n: int, min_days: int, max_days: int
) -> pl.Series:
    """Whole-second UTC instants between ``max_days`` and ``min_days`` before history start."""
    seconds = rng.integers(min_days * _DAY_S, max_days * _DAY_S, n)
    return _instants(_us(params.start_instant()) - seconds * _US)


def _pick(
    rng: np.random.Generator, values: Sequence[object], n: int, p: Sequence[float] | None = None
) -> np.ndarray:
    weights = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
    return np.asarray(values)[rng.choice(len(values), n, p=weights)]


def _members(keys: np.ndarray, ids: np.ndarray) -> Members:
    """Group ``ids`` by ``keys`` for :func:`_pick_member`."""
    order = np.argsort(keys, kind="stable")
    uniq, starts, counts = np.unique(keys[order], return_index=True, return_counts=True)
    return uniq, starts, counts, ids[order]


def _pick_member(rng: np.random.Generator, row_keys: np.ndarray, members: Members) -> np.ndarray:
    """A uniformly random member of each row's group; -1 where the group is empty."""
    uniq, starts, counts, sorted_ids = members
    pos = np.clip(np.searchsorted(uniq, row_keys), 0, len(uniq) - 1)
    found = uniq[pos] == row_keys
    offset = (rng.random(len(row_keys)) * counts[pos]).astype(np.int64)
    return np.where(found, sorted_ids[starts[pos] + offset], -1)


def _expand(owner: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Repeat each owner ``counts`` times; returns (owner per row, 0-based index in owner)."""
    counts = np.asarray(counts, dtype=np.int64)
    rep = np.repeat(owner, counts)
    starts = np.cumsum(counts) - counts
    index = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)
    return rep, index


def _split_counts(total: int, shares: Sequence[float], minimums: Sequence[int]) -> list[int]:
    """Integer counts near ``shares`` of ``total`` with per-class minimums (the largest class
    absorbs the rounding)."""
    counts = [max(m, int(round(total * s))) for s, m in zip(shares, minimums, strict=True)]
    largest = int(np.argmax(counts))
    counts[largest] += total - sum(counts)
    if counts[largest] < minimums[largest]:
        raise ValueError(f"cannot split {total} rows into {shares} with minimums {minimums}")
    return counts


def _city_frame() -> pl.DataFrame:
    cols = list(zip(*_CITIES, strict=True))
    names = ("city_code", "city", "state", "country", "timezone", "latitude", "longitude", "region")
    return pl.DataFrame(
        {name: list(col) for name, col in zip(names, cols, strict=True)},
        schema={
            "city_code": pl.String,
            "city": pl.String,
            "state": pl.String,
            "country": pl.String,
            "timezone": pl.String,
            "latitude": pl.Float64,
            "longitude": pl.Float64,
            "region": pl.String,
        },
    )


def _city_index(cities: pl.DataFrame, names: Sequence[str]) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(cities["city"].to_list())}
    return np.array([lookup[n] for n in names], dtype=np.int64)


def _city_weights(cities: pl.DataFrame, country_weights: Mapping[str, float]) -> np.ndarray:
    weights = (
        cities.select(
            pl.col("country").replace_strict(
                country_weights, default=_OTHER_COUNTRY_WEIGHT, return_dtype=pl.Float64
            )
            / pl.len().over("country")
        )
        .to_series()
        .to_numpy()
    )
    return weights / weights.sum()


def _surname_pool(fake: Faker, n: int) -> np.ndarray:
    """About ``n`` distinct surnames (a constant-size pool, not one call per row)."""
    return np.array(list(dict.fromkeys(fake.last_name() for _ in range(n))))


def _company_names(
    rng: np.random.Generator, pool: np.ndarray, suffixes: Sequence[str], n: int
) -> pl.Series:
    size = len(pool)
    ia = rng.integers(0, size, n)
    ib = (ia + rng.integers(1, size // 2, n)) % size
    ic = (ib + rng.integers(1, size // 2, n)) % size
    frame = pl.DataFrame(
        {
            "a": pool[ia],
            "b": pool[ib],
            "c": pool[ic],
            "s": _pick(rng, suffixes, n),
            "p": rng.choice(4, n, p=[0.5, 0.25, 0.15, 0.1]),
        }
    )
    a, b, c, s, p = (pl.col(x) for x in "abcsp")
    return frame.select(
        pl.when(p == 0)
        .then(pl.format("{} {}", a, s))
        .when(p == 1)
        .then(pl.format("{}-{} {}", a, b, s))
        .when(p == 2)
        .then(pl.format("{} & {}", a, b))
        .otherwise(pl.format("{}, {} and {}", a, b, c))
        .alias("name")
    ).to_series()


def _all_codes(letters: int) -> np.ndarray:
    alphabet = np.array(list(string.ascii_uppercase))
    n = 26**letters
    index = np.arange(n)
    out = alphabet[index % 26]
    for k in range(1, letters):
        out = np.char.add(alphabet[(index // 26**k) % 26], out)
    return out


# --- the tables ----------------------------------------------------------------------------


def _suppliers(params: GenerationParams, fake: Faker, cities: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("suppliers")
    n = params.scaled(1000, minimum=20)
    named = len(_NAMED_SUPPLIERS)
    n1, n2, n3 = _split_counts(n, (0.1, 0.3, 0.6), (3, 1, 1))
    rest = np.repeat([1, 2, 3], [n1 - 3, n2 - 1, n3 - 1])
    tier = np.concatenate([[t for _, t, _, _ in _NAMED_SUPPLIERS], rng.permutation(rest)])

    city_idx = rng.choice(cities.height, n, p=_city_weights(cities, _SUPPLIER_COUNTRY_WEIGHTS))
    city_idx[:named] = _city_index(cities, [c for _, _, c, _ in _NAMED_SUPPLIERS])
    names = _company_names(rng, _surname_pool(fake, 600), _SUPPLIER_SUFFIXES, n)
    names = names.scatter(range(named), [s[0] for s in _NAMED_SUPPLIERS])
    rating = _pick(
        rng, ("AAA", "AA", "A", "BBB", "BB", "B"), n, (0.05, 0.15, 0.30, 0.30, 0.15, 0.05)
    )
    rating[:named] = [s[3] for s in _NAMED_SUPPLIERS]
    active = rng.random(n) < 0.95
    active[:named] = True
    mailbox = _pick(rng, ("sales", "info", "orders", "contact", "procurement"), n)
    place = cities[city_idx]
    return pl.DataFrame(
        {
            "id": _ids(n),
            "name": names,
            "tier": tier,
            "country": place["country"],
            "city": place["city"],
            "mailbox": mailbox,
            "credit_rating": rating,
            "is_active": active,
            "created_at": _created_before(rng, params, n, 60, 6 * 365),
        }
    ).select(
        "id",
        pl.format("SUP{}", pl.col("id").cast(pl.String).str.zfill(5)).alias("supplier_code"),
        "name",
        "tier",
        "country",
        "city",
        pl.format(
            "{}@{}.com",
            "mailbox",
            pl.col("name").str.to_lowercase().str.replace_all("[^a-z0-9]", ""),
        ).alias("contact_email"),
        "credit_rating",
        "is_active",
        "created_at",
    )


def _supplier_relationships(params: GenerationParams, suppliers: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("supplier_relationships")
    ids = suppliers["id"].to_numpy()
    tier = suppliers["tier"].to_numpy()
    by_tier = _members(tier, ids)
    sellers = ids[tier > 1]
    target = max(params.scaled(1700, minimum=10), len(sellers) + 2)

    extra = max(0, int((target - len(sellers)) * 1.15) + 5)
    seller = np.concatenate([sellers, rng.choice(sellers, extra)])
    seller_tier = tier[seller - 1]
    # mostly the next tier down; a tier-3 seller sometimes skips straight to tier 1
    buyer_tier = np.where((seller_tier == 3) & (rng.random(len(seller)) < 0.12), 1, seller_tier - 1)
    buyer = _pick_member(rng, buyer_tier, by_tier)
    named = pl.DataFrame({"seller_id": [_EASTERN, _PACIFIC], "buyer_id": [_PACIFIC, _ACME]})
    pairs = (
        pl.concat(
            [
                named,
                pl.DataFrame({"seller_id": seller, "buyer_id": buyer}),
            ]
        )
        .unique(maintain_order=True)
        .head(target)
    )
    n = pairs.height
    order = np.concatenate([np.arange(len(named)), len(named) + rng.permutation(n - len(named))])
    pairs = pairs[order]

    kind = _pick(rng, ("direct_supply", "subcontract", "strategic_partner"), n, (0.7, 0.2, 0.1))
    status = _pick(rng, ("active", "suspended", "terminated"), n, (0.85, 0.05, 0.10))
    kind[: len(named)] = "direct_supply"
    status[: len(named)] = "active"
    start = -rng.integers(60, 6 * 365, n)
    end = start + rng.integers(365, 5 * 365, n)
    # active contracts run past the end date (renewed); terminated ones ended before it
    end = np.where((status == "active") & (end < 30), rng.integers(30, 3 * 365, n), end)
    end = np.where(status == "terminated", np.minimum(end, -rng.integers(1, 30, n)), end)
    end = np.maximum(end, start + 30)
    return (
        pairs.with_columns(
            id=pl.Series(_ids(n)),
            relationship_type=pl.Series(kind),
            contract_start_date=pl.Series(_days(params.end_date, start)),
            contract_end_date=pl.Series(_days(params.end_date, end)),
            relationship_status=pl.Series(status),
        )
        .with_columns(
            is_primary=pl.int_range(pl.len()).over("seller_id") == 0,
        )
        .select(
            "id",
            "seller_id",
            "buyer_id",
            "relationship_type",
            "contract_start_date",
            "contract_end_date",
            "is_primary",
            "relationship_status",
        )
    )


def _parts(params: GenerationParams, suppliers: pl.DataFrame) -> tuple[pl.DataFrame, np.ndarray]:
    """Parts and their (hidden) BOM level: 1 = bought component, 2-5 = assemblies."""
    rng = params.rng("parts")
    n = params.scaled(15000, minimum=60)
    named = len(_NAMED_PARTS)
    named_levels = np.array([p[8] for p in _NAMED_PARTS])
    counts = np.array(_split_counts(n, _LEVEL_SHARES, (named + 1, 1, 2, 1, 1)))
    counts -= np.bincount(named_levels, minlength=6)[1:]
    level = np.concatenate([named_levels, rng.permutation(np.repeat(np.arange(1, 6), counts))])

    cat_names = [c[0] for c in _COMPONENT_CATEGORIES]
    category = np.where(
        level == 1,
        _pick(rng, cat_names, n, [c[1] for c in _COMPONENT_CATEGORIES]),
        np.where(level == 2, "subassembly", "assembly"),
    ).astype(object)
    noun = np.empty(n, dtype=object)
    nouns_of = {
        **{c[0]: c[3] for c in _COMPONENT_CATEGORIES},
        "subassembly": _SUBASSEMBLY_NOUNS,
        "assembly": _ASSEMBLY_NOUNS,
    }
    for cat, nouns in nouns_of.items():  # a handful of categories
        mask = category == cat
        noun[mask] = _pick(rng, nouns, int(mask.sum()))
    adjective = _pick(rng, _PART_ADJECTIVES, n)

    median_cost = np.array([0.0, 4.0, 60.0, 180.0, 420.0, 900.0])[level]
    cost = np.round(np.maximum(median_cost * rng.lognormal(0.0, 0.8, n), 0.01), 2)
    median_weight = np.array([0.0, 0.05, 1.5, 4.0, 9.0, 20.0])[level]
    weight = np.round(np.maximum(median_weight * rng.lognormal(0.0, 0.9, n), 0.001), 3)
    lead = np.where(level == 1, rng.integers(5, 61, n), rng.integers(10, 91, n))
    # bought components from any active supplier, assemblies from active tier-1/2 suppliers
    active = suppliers.filter("is_active")
    supplier = np.where(
        level == 1,
        rng.choice(active["id"].to_numpy(), n),
        rng.choice(active.filter(pl.col("tier") <= 2)["id"].to_numpy(), n),
    )
    critical = rng.random(n) < np.array([0.0, 0.05, 0.10, 0.15, 0.25, 0.30])[level]
    min_stock = np.where(level == 1, rng.integers(2, 201, n) * 5, rng.integers(1, 21, n) * 5)

    category[:named] = [p[2] for p in _NAMED_PARTS]
    cost[:named] = [p[3] for p in _NAMED_PARTS]
    weight[:named] = [p[4] for p in _NAMED_PARTS]
    lead[:named] = [p[5] for p in _NAMED_PARTS]
    supplier[:named] = [p[6] for p in _NAMED_PARTS]
    critical[:named] = [p[7] for p in _NAMED_PARTS]
    uom_of = {c[0]: c[2] for c in _COMPONENT_CATEGORIES}
    others = pl.select(
        pl.format("PRT-{}", pl.int_range(1, n - named + 1).cast(pl.String).str.zfill(6))
    ).to_series()
    frame = pl.DataFrame(
        {
            "id": _ids(n),
            "part_number": pl.concat([pl.Series([p[0] for p in _NAMED_PARTS]), others]),
            "adjective": adjective,
            "noun": noun.astype(str),
            "category": category.astype(str),
            "unit_cost": cost,
            "weight_kg": weight,
            "lead_time_days": lead,
            "primary_supplier_id": supplier,
            "is_critical": critical,
            "min_stock_level": min_stock,
            "created_at": _created_before(rng, params, n, 60, 6 * 365),
        }
    )
    description = frame.select(pl.format("{} {}", "adjective", "noun")).to_series()
    description = description.scatter(range(named), [p[1] for p in _NAMED_PARTS])
    parts = frame.with_columns(
        description=description,
        base_uom=pl.col("category").replace_strict(uom_of, default="each"),
    ).select(
        "id",
        "part_number",
        "description",
        "category",
        "unit_cost",
        "weight_kg",
        "lead_time_days",
        "primary_supplier_id",
        "is_critical",
        "min_stock_level",
        "base_uom",
        "created_at",
    )
    return parts, level


def _bill_of_materials(
    params: GenerationParams, parts: pl.DataFrame, level: np.ndarray
) -> pl.DataFrame:
    """Multi-level bills: a parent only ever has children of a lower level (so acyclic)."""
    rng = params.rng("bill_of_materials")
    ids = parts["id"].to_numpy()
    uom = parts["base_uom"].to_numpy()
    target = params.scaled(42700, minimum=50)
    parents = ids[level >= 2]
    extra = max(0, target - 2 * len(parents))
    per_parent = 2 + rng.multinomial(extra, np.full(len(parents), 1.0 / len(parents)))
    parent, _ = _expand(parents, per_parent)
    parent_level = level[parent - 1]
    child_level = np.where(
        rng.random(len(parent)) < 0.65, parent_level - 1, rng.integers(1, parent_level)
    )
    child = _pick_member(rng, child_level, _members(level, ids))

    named = pl.DataFrame(
        {
            "parent_part_id": np.full(len(_TURBO_ENC_BOM), _TURBO_ENC, dtype=np.int64),
            "child_part_id": np.array([c for c, _ in _TURBO_ENC_BOM], dtype=np.int64),
            "named_quantity": [q for _, q in _TURBO_ENC_BOM],
        }
    )
    edges = pl.concat(
        [
            named,
            pl.DataFrame({"parent_part_id": parent, "child_part_id": child}).with_columns(
                named_quantity=pl.lit(None, dtype=pl.Float64)
            ),
        ]
    ).unique(subset=["parent_part_id", "child_part_id"], keep="first", maintain_order=True)
    edges = edges.sort("parent_part_id", maintain_order=True).with_columns(
        first=pl.int_range(pl.len()).over("parent_part_id") == 0,
    )
    n = edges.height
    child_uom = uom[edges["child_part_id"].to_numpy() - 1]
    quantity = np.select(
        [child_uom == "kg", child_uom == "m", child_uom == "L"],
        [
            np.round(rng.uniform(0.05, 5.0, n), 3),
            np.round(rng.uniform(0.1, 10.0, n), 2),
            np.round(rng.uniform(0.01, 2.0, n), 3),
        ],
        default=_pick(
            rng, (1, 2, 3, 4, 6, 8, 10, 12), n, (0.4, 0.2, 0.1, 0.1, 0.07, 0.05, 0.05, 0.03)
        ).astype(float),
    )
    named_quantity = edges["named_quantity"].to_numpy()
    is_named = ~np.isnan(named_quantity)
    quantity = np.where(is_named, named_quantity, quantity)
    forced = edges["first"].to_numpy() | is_named
    # 80% current / 15% superseded / 5% future overall, with forced rows counted as current
    free = max(1.0 - forced.mean(), 1e-9)
    p_old, p_future = min(0.15 / free, 0.5), min(0.05 / free, 0.2)
    state = rng.choice(3, n, p=[1.0 - p_old - p_future, p_old, p_future])
    state[forced] = 0
    start = np.select(
        [is_named, state == 0, state == 1],
        [-rng.integers(900, 2500, n), -rng.integers(30, 2500, n), -rng.integers(900, 3000, n)],
        default=rng.integers(1, 366, n),
    )
    stop = np.minimum(start + rng.integers(180, 1500, n), -rng.integers(1, 61, n))
    return edges.with_columns(
        id=pl.Series(_ids(n)),
        quantity=pl.Series(quantity),
        unit=pl.Series(child_uom),
        is_optional=pl.Series(~forced & (rng.random(n) < 0.06)),
        assembly_sequence=(pl.int_range(1, pl.len() + 1).over("parent_part_id") * 10),
        effective_from=pl.Series(_days(params.end_date, start)),
        effective_to=pl.Series(_days(params.end_date, stop, null=state != 1)),
    ).select(
        "id",
        "parent_part_id",
        "child_part_id",
        "quantity",
        "unit",
        "is_optional",
        "assembly_sequence",
        "effective_from",
        "effective_to",
    )


def _part_suppliers(
    params: GenerationParams, parts: pl.DataFrame, suppliers: pl.DataFrame
) -> pl.DataFrame:
    """Every part's primary supplier (approved) plus alternative sources."""
    rng = params.rng("part_suppliers")
    n_parts = parts.height
    target = max(params.scaled(22500, minimum=n_parts), n_parts)
    draws = int((target - n_parts) * 1.1) + 10
    primary = parts.select(
        part_id="id",
        supplier_id="primary_supplier_id",
        is_primary=pl.lit(True),
    )
    alternative = pl.DataFrame(
        {
            "part_id": rng.integers(1, n_parts + 1, draws),
            "supplier_id": rng.integers(1, suppliers.height + 1, draws),
            "is_primary": np.zeros(draws, dtype=bool),
        }
    )
    links = (
        pl.concat([primary, alternative])
        .unique(subset=["part_id", "supplier_id"], keep="first", maintain_order=True)
        .head(target)
        .sort("part_id", maintain_order=True)
    )
    n = links.height
    prefix = suppliers.select(
        supplier_id="id",
        prefix=pl.col("name").str.replace_all("[^A-Za-z]", "").str.slice(0, 3).str.to_uppercase(),
    )
    links = links.join(
        parts.select(part_id="id", part_cost="unit_cost", part_lead="lead_time_days"),
        on="part_id",
        how="left",
        maintain_order="left",
    ).join(prefix, on="supplier_id", how="left", maintain_order="left")
    primary_row = links["is_primary"].to_numpy()
    factor = np.where(primary_row, 1.0, rng.uniform(0.85, 1.3, n))
    lead_delta = np.where(primary_row, 0, rng.integers(-7, 15, n))
    return links.with_columns(
        id=pl.Series(_ids(n)),
        supplier_part_number=pl.format(
            "{}-{}", "prefix", pl.Series(rng.integers(0, 1_000_000, n)).cast(pl.String).str.zfill(6)
        ),
        unit_cost=(pl.col("part_cost") * pl.Series(factor)).round(2).clip(lower_bound=0.01),
        lead_time_days=(pl.col("part_lead") + pl.Series(lead_delta)).clip(lower_bound=1),
        is_approved=pl.Series(primary_row | (rng.random(n) < 0.8)),
    ).select(
        "id",
        "part_id",
        "supplier_id",
        "supplier_part_number",
        "unit_cost",
        "lead_time_days",
        "is_approved",
    )


def _products(
    params: GenerationParams, parts: pl.DataFrame, level: np.ndarray
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Products and their components (each component part is shared by a few products)."""
    rng = params.rng("products")
    n = params.scaled(500, minimum=12)
    named = len(_NAMED_PRODUCTS)
    cat_idx = rng.choice(len(_PRODUCT_CATEGORIES), n)
    cat_names = [c[0] for c in _PRODUCT_CATEGORIES]
    cat_idx[:named] = [cat_names.index(p[2]) for p in _NAMED_PRODUCTS]
    noun = np.empty(n, dtype=object)
    for i, (_, _, nouns) in enumerate(_PRODUCT_CATEGORIES):  # five categories
        mask = cat_idx == i
        noun[mask] = _pick(rng, nouns, int(mask.sum()))
    alphabet = np.array(list(string.ascii_uppercase))
    # launch relative to history start: most before it, a tenth during history
    before = rng.random(n) < 0.9
    launch = np.where(
        before,
        -rng.integers(30, 6 * 365, n),
        rng.integers(0, max(1, _history_days(params) - 120), n),
    )
    launch[:named] = [-p[4] for p in _NAMED_PRODUCTS]
    before[:named] = True
    active = ~(before & (rng.random(n) < 0.08))
    active[:named] = True
    discontinued = rng.integers(60, max(61, _history_days(params) - 30), n)
    frame = pl.DataFrame(
        {
            "id": _ids(n),
            "prefix": np.array([c[1] for c in _PRODUCT_CATEGORIES])[cat_idx],
            "adjective": _pick(rng, _PRODUCT_ADJECTIVES, n),
            "noun": noun.astype(str),
            "series": np.char.add(
                alphabet[rng.integers(0, 26, n)], (rng.integers(10, 100, n) * 10).astype(str)
            ),
            "category": np.array(cat_names)[cat_idx],
            "is_active": active,
            "launch_date": _days(params.history_start, launch),
            "discontinued_date": _days(params.history_start, discontinued, null=active),
        }
    )
    sku = (
        frame.select(pl.format("{}-{}", "prefix", pl.col("id").cast(pl.String).str.zfill(4)))
        .to_series()
        .scatter(range(named), [p[0] for p in _NAMED_PRODUCTS])
    )
    name = frame.select(pl.format("{} {} {}", "adjective", "noun", "series")).to_series()
    name = name.scatter(range(named), [p[1] for p in _NAMED_PRODUCTS])

    components = _product_components(params, n, level)
    # bill cost per product (numpy, so the float sums are order-stable)
    part_cost = parts["unit_cost"].to_numpy()[components["part_id"].to_numpy() - 1]
    cost_of = np.bincount(
        components["product_id"].to_numpy(),
        minlength=n + 1,
        weights=part_cost * components["quantity"].to_numpy(),
    )
    price = np.round(cost_of[1:] * rng.uniform(1.5, 2.8, n) + rng.uniform(10.0, 150.0, n), 2)
    price[:named] = [p[3] for p in _NAMED_PRODUCTS]
    products = frame.with_columns(sku=sku, name=name, list_price=pl.Series(price)).select(
        "id",
        "sku",
        "name",
        "category",
        "list_price",
        "is_active",
        "launch_date",
        "discontinued_date",
    )
    return products, components


def _history_days(params: GenerationParams) -> int:
    return (params.end_date - params.history_start).days + 1


def _product_components(
    params: GenerationParams, n_products: int, level: np.ndarray
) -> pl.DataFrame:
    rng = params.rng("product_components")
    n_parts = len(level)
    ids = _ids(n_parts)
    named_parts = len(_NAMED_PARTS)
    pool_size = min(params.scaled(500, minimum=20), n_parts)
    upper = ids[(level >= 2) & (ids > named_parts)]
    lower = ids[(level == 1) & (ids > named_parts)]
    n_upper = min((pool_size - named_parts) // 2, len(upper))
    n_lower = min(pool_size - named_parts - n_upper, len(lower))
    pool = np.concatenate(
        [
            ids[:named_parts],
            rng.choice(upper, n_upper, replace=False),
            rng.choice(lower, n_lower, replace=False),
        ]
    )
    named_products = len(_NAMED_PRODUCTS)
    others = _ids(n_products)[named_products:]
    wanted = rng.choice([2, 3, 4, 5], len(others), p=[0.4, 0.35, 0.17, 0.08])
    product, _ = _expand(others, np.full(len(others), 12))
    named = pl.DataFrame(
        {
            "product_id": [c[0] for c in _NAMED_COMPONENTS],
            "part_id": [c[1] for c in _NAMED_COMPONENTS],
            "named_quantity": [c[2] for c in _NAMED_COMPONENTS],
            "wanted": [len(_NAMED_COMPONENTS)] * len(_NAMED_COMPONENTS),
        },
        schema={
            "product_id": pl.Int64,
            "part_id": pl.Int64,
            "named_quantity": pl.Int64,
            "wanted": pl.Int64,
        },
    )
    drawn = (
        pl.DataFrame(
            {
                "product_id": product,
                "part_id": rng.choice(pool, len(product)),
                "wanted": np.repeat(wanted, 12),
            }
        )
        .with_columns(named_quantity=pl.lit(None, dtype=pl.Int64))
        .select(named.columns)
    )
    rows = (
        pl.concat([named, drawn])
        .unique(subset=["product_id", "part_id"], keep="first", maintain_order=True)
        .filter(pl.int_range(pl.len()).over("product_id") < pl.col("wanted"))
    )
    n = rows.height
    return rows.with_columns(
        id=pl.Series(_ids(n)),
        quantity=pl.col("named_quantity").fill_null(
            pl.Series(rng.choice([1, 2, 3, 4], n, p=[0.5, 0.25, 0.15, 0.1]))
        ),
        is_required=pl.col("named_quantity").is_not_null() | pl.Series(rng.random(n) < 0.93),
    ).select("id", "product_id", "part_id", "quantity", "is_required")


def _facilities(params: GenerationParams, cities: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("facilities")
    n = params.scaled(100, minimum=12)
    named = len(_NAMED_FACILITIES)
    n_factory, n_warehouse, n_dc = _split_counts(n, (0.33, 0.34, 0.33), (4, 2, 2))
    rest = np.repeat(
        ["factory", "warehouse", "distribution_center"], [n_factory - 3, n_warehouse - 1, n_dc - 1]
    )
    ftype = np.concatenate([[f[2] for f in _NAMED_FACILITIES], rng.permutation(rest)])

    named_idx = _city_index(cities, [f[1] for f in _NAMED_FACILITIES])
    candidates = np.setdiff1d(np.arange(cities.height), named_idx)
    n_other = n - named
    if n_other <= len(candidates):
        other_idx = rng.choice(candidates, n_other, replace=False)
    else:  # more facilities than cities: every city once, then more sites in the same cities
        other_idx = rng.permutation(
            np.concatenate([candidates, rng.choice(candidates, n_other - len(candidates))])
        )
    city_idx = np.concatenate([named_idx, other_idx])
    frame = pl.concat(
        [pl.DataFrame({"id": _ids(n), "facility_type": ftype}), cities[city_idx]],
        how="horizontal",
    ).with_columns(
        in_city=pl.int_range(pl.len()).over("city"),
        in_city_type=pl.int_range(pl.len()).over("city", "facility_type"),
    )
    # the first facility in a city takes the city's code, later ones an unused code
    in_city = frame["in_city"].to_numpy()
    needs_code = (in_city > 0) & (frame["id"].to_numpy() > named)
    spare = np.setdiff1d(_all_codes(3), cities["city_code"].to_numpy())
    if needs_code.sum() > len(spare):
        spare = np.concatenate([spare, _all_codes(4)])
    code = np.char.add("FAC-", frame["city_code"].to_numpy().astype(str)).astype(object)
    code[needs_code] = np.char.add("FAC-", rng.choice(spare, int(needs_code.sum()), replace=False))
    code[:named] = [f[0] for f in _NAMED_FACILITIES]
    jitter = np.where(np.arange(n) < named, 0.0, 1.0)
    capacity_range = {
        "factory": (50, 500),
        "warehouse": (100, 1000),
        "distribution_center": (50, 600),
    }
    low = np.array([capacity_range[t][0] for t in ftype])
    high = np.array([capacity_range[t][1] for t in ftype])
    return frame.with_columns(
        facility_code=pl.Series(code.astype(str)),
        name=pl.format(
            "{} {}{}",
            "city",
            pl.col("facility_type").replace_strict(_FACILITY_LABEL),
            pl.when(pl.col("in_city_type") > 0)
            .then(pl.format(" {}", pl.col("in_city_type") + 1))
            .otherwise(pl.lit("")),
        ),
        latitude=(pl.col("latitude") + pl.Series(rng.normal(0, 0.02, n) * jitter)).round(4),
        longitude=(pl.col("longitude") + pl.Series(rng.normal(0, 0.02, n) * jitter)).round(4),
        capacity_units=pl.Series((low + (rng.random(n) * (high - low)).astype(np.int64)) * 100),
        # factories (and their work centers) predate every product's first routing, which
        # starts at most ~6.7 years before history
        created_at=_instants(
            _us(params.start_instant())
            - np.where(
                ftype == "factory", rng.integers(2740, 10 * 365, n), rng.integers(365, 10 * 365, n)
            )
            * _DAY_S
            * _US
            - rng.integers(0, _DAY_S, n) * _US
        ),
    ).select(
        "id",
        "facility_code",
        "name",
        "facility_type",
        "city",
        "state",
        "country",
        "timezone",
        "latitude",
        "longitude",
        "capacity_units",
        "created_at",
    )


_MODES = ("truck", "rail", "air", "sea")
# cumulative mode probabilities per distance class: same region < 600 km, < 2,500 km, longer;
# different regions (overseas)
_MODE_CUMULATIVE = np.cumsum(
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
_MODE_ROAD_FACTOR = np.array([1.25, 1.2, 1.0, 1.4])
_MODE_SPEED_KMH = np.array([60.0, 40.0, 650.0, 28.0])
_MODE_HANDLING_H = np.array([4.0, 12.0, 24.0, 72.0])
_MODE_FIXED_USD = np.array([250.0, 400.0, 1500.0, 2500.0])
_MODE_PER_KM_USD = np.array([1.9, 0.9, 4.5, 0.35])


def _great_circle_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _transport_routes(
    params: GenerationParams, facilities: pl.DataFrame, cities: pl.DataFrame
) -> pl.DataFrame:
    rng = params.rng("transport_routes")
    fac = facilities.join(
        cities.select("city", "region"), on="city", how="left", maintain_order="left"
    )
    n_fac = fac.height
    ids = fac["id"].to_numpy()
    ftype = fac["facility_type"].to_numpy()
    region = fac["region"].to_numpy()
    lat, lon = fac["latitude"].to_numpy(), fac["longitude"].to_numpy()
    target = max(params.scaled(410, minimum=24), len(_NAMED_ROUTES) + 2 * n_fac)
    stores = ftype != "factory"
    stores_by_region = _members(region[stores], ids[stores])
    all_by_region = _members(region, ids)

    def not_self(other: np.ndarray, this: np.ndarray) -> np.ndarray:
        return np.where(other == this, this % n_fac + 1, other)

    def destinations(origin: np.ndarray) -> np.ndarray:
        near = _pick_member(rng, region[origin - 1], stores_by_region)
        anywhere = rng.choice(ids[stores], len(origin))
        use_near = (rng.random(len(origin)) < 0.7) & (near > 0) & (near != origin)
        return not_self(np.where(use_near, near, anywhere), origin)

    # every facility ships somewhere and receives from somewhere; then random lanes
    inbound_to = ids
    near = _pick_member(rng, region[inbound_to - 1], all_by_region)
    inbound_from = not_self(
        np.where(rng.random(n_fac) < 0.7, near, rng.choice(ids, n_fac)), inbound_to
    )
    type_weight = np.select([ftype == "factory", ftype == "warehouse"], [0.45, 0.35], 0.20)
    share = type_weight / np.array([np.sum(ftype == t) for t in ftype])
    extra = int((target - 2 * n_fac) * 1.2) + 10
    extra_from = rng.choice(ids, extra, p=share / share.sum())
    origin = np.concatenate([[r[0] for r in _NAMED_ROUTES], ids, inbound_from, extra_from])
    destination = np.concatenate(
        [
            [r[1] for r in _NAMED_ROUTES],
            destinations(ids),
            inbound_to,
            destinations(extra_from),
        ]
    )
    o, d = origin - 1, destination - 1
    great_circle = _great_circle_km(lat[o], lon[o], lat[d], lon[d])
    distance_class = np.select(
        [region[o] != region[d], great_circle < 600, great_circle < 2500], [3, 0, 1], 2
    )
    u = rng.random(len(o))
    mode = (u[:, None] > _MODE_CUMULATIVE[distance_class]).sum(axis=1)
    named_modes = [_MODES.index(r[2]) for r in _NAMED_ROUTES]
    mode[: len(_NAMED_ROUTES)] = named_modes
    lanes = (
        pl.DataFrame(
            {
                "origin_facility_id": origin.astype(np.int64),
                "destination_facility_id": destination.astype(np.int64),
                "mode": mode,
                "great_circle": great_circle,
            }
        )
        .unique(
            subset=["origin_facility_id", "destination_facility_id", "mode"],
            keep="first",
            maintain_order=True,
        )
        .head(target)
    )
    n = lanes.height
    mode = lanes["mode"].to_numpy()
    distance = np.round(
        np.maximum(lanes["great_circle"].to_numpy() * _MODE_ROAD_FACTOR[mode], 5.0), 1
    )
    hours = np.round(
        distance / _MODE_SPEED_KMH[mode] + _MODE_HANDLING_H[mode] * rng.uniform(0.8, 1.2, n), 1
    )
    cost = np.round(
        (_MODE_FIXED_USD[mode] + _MODE_PER_KM_USD[mode] * distance) * rng.uniform(0.9, 1.1, n), 2
    )
    status = _pick(rng, ("active", "inactive", "seasonal"), n, (0.85, 0.07, 0.08))
    status[: len(_NAMED_ROUTES)] = "active"
    return lanes.with_columns(
        id=pl.Series(_ids(n)),
        transport_mode=pl.Series(np.array(_MODES)[mode]),
        distance_km=pl.Series(distance),
        transit_time_hours=pl.Series(hours),
        cost_usd=pl.Series(cost),
        route_status=pl.Series(status),
    ).select(
        "id",
        "origin_facility_id",
        "destination_facility_id",
        "transport_mode",
        "distance_km",
        "transit_time_hours",
        "cost_usd",
        "route_status",
    )


def _customers(params: GenerationParams, fake: Faker, cities: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("customers")
    n = params.scaled(5000, minimum=20)
    named = len(_NAMED_CUSTOMERS)
    names = _company_names(rng, _surname_pool(fake, 600), _CUSTOMER_SUFFIXES, n)
    names = names.scatter(range(named), [c[1] for c in _NAMED_CUSTOMERS])
    kind = _pick(rng, ("retail", "wholesale", "enterprise"), n, (0.5, 0.3, 0.2))
    kind[:named] = [c[2] for c in _NAMED_CUSTOMERS]
    city_idx = rng.choice(cities.height, n, p=_city_weights(cities, _CUSTOMER_COUNTRY_WEIGHTS))
    city_idx[:named] = _city_index(cities, [c[3] for c in _NAMED_CUSTOMERS])
    place = cities[city_idx]
    codes = pl.select(
        pl.format("CUST-{}", pl.int_range(1, n - named + 1).cast(pl.String).str.zfill(5))
    ).to_series()
    return pl.DataFrame(
        {
            "id": _ids(n),
            "customer_code": pl.concat([pl.Series([c[0] for c in _NAMED_CUSTOMERS]), codes]),
            "name": names,
            "customer_type": kind,
            "city": place["city"],
            "country": place["country"],
            "created_at": _created_before(rng, params, n, 30, 8 * 365),
        }
    )


def _supplier_certifications(params: GenerationParams, suppliers: pl.DataFrame) -> pl.DataFrame:
    rng = params.rng("supplier_certifications")
    target = params.scaled(1400, minimum=10)
    tier = suppliers["tier"].to_numpy()
    weight = np.select([tier == 1, tier == 2], [3.0, 1.5], 1.0)
    draws = int(target * 1.4) + 10
    named = pl.DataFrame(
        {"supplier_id": [_ACME, _GLOBALTECH, _PRECISION, _PRECISION], "cert": [0, 0, 0, 3]},
        schema={"supplier_id": pl.Int64, "cert": pl.Int64},
    )
    drawn = pl.DataFrame(
        {
            "supplier_id": rng.choice(suppliers["id"].to_numpy(), draws, p=weight / weight.sum()),
            "cert": rng.choice(len(_CERTIFICATIONS), draws, p=[c[2] for c in _CERTIFICATIONS]),
        }
    )
    certs = (
        pl.concat([named, drawn])
        .unique(subset=["supplier_id", "cert"], keep="first", maintain_order=True)
        .head(target)
        .sort("supplier_id", maintain_order=True)
    )
    n = certs.height
    is_named = np.zeros(n, dtype=bool)
    is_named[np.isin(certs["supplier_id"].to_numpy(), [_ACME, _GLOBALTECH, _PRECISION])] = True
    issued = np.where(is_named, -rng.integers(30, 700, n), -rng.integers(0, 6 * 365, n))
    expiry = issued + 3 * 365
    revoked = ~is_named & (rng.random(n) < 0.03)
    cert = certs["cert"].to_numpy()
    return (
        certs.with_columns(
            id=pl.Series(_ids(n)),
            certification_type=pl.Series(np.array([c[0] for c in _CERTIFICATIONS])[cert]),
            abbreviation=pl.Series(np.array([c[1] for c in _CERTIFICATIONS])[cert]),
            issued_date=pl.Series(_days(params.end_date, issued)),
            expiry_date=pl.Series(_days(params.end_date, expiry)),
            is_valid=pl.Series((expiry >= 0) & ~revoked),
        )
        .with_columns(
            certification_number=pl.format(
                "{}-{}-{}",
                "abbreviation",
                pl.col("issued_date").dt.year(),
                pl.Series(rng.choice(10_000_000, n, replace=False)).cast(pl.String).str.zfill(7),
            ),
        )
        .select(
            "id",
            "supplier_id",
            "certification_type",
            "certification_number",
            "issued_date",
            "expiry_date",
            "is_valid",
        )
    )


_WC_SPECS: Mapping[str, tuple[tuple[int, int], tuple[float, float], tuple[int, int]]] = {
    # capacity per day, hourly rate (USD), setup minutes
    "assembly": ((200, 800), (45.0, 85.0), (15, 45)),
    "machining": ((100, 500), (60.0, 120.0), (30, 120)),
    "fabrication": ((150, 600), (50.0, 100.0), (20, 90)),
    "testing": ((150, 700), (40.0, 90.0), (10, 30)),
    "packaging": ((400, 1500), (30.0, 60.0), (5, 20)),
}
_WC_TYPES = tuple(WORK_CENTER_TYPES)
_RUN_MINUTES: Mapping[str, tuple[float, float]] = {
    "assembly": (2.0, 25.0),
    "machining": (3.0, 30.0),
    "fabrication": (2.0, 20.0),
    "testing": (1.0, 15.0),
    "packaging": (0.5, 5.0),
}


def _work_centers(params: GenerationParams, facilities: pl.DataFrame) -> pl.DataFrame:
    """3-5 work centers per factory: always an assembly line and a test station first."""
    rng = params.rng("work_centers")
    factories = facilities.filter(pl.col("facility_type") == "factory")
    per_factory = rng.choice([3, 4, 5], factories.height, p=[0.15, 0.25, 0.6])
    row, slot = _expand(np.arange(factories.height), per_factory)
    n = len(row)
    extra = rng.choice(len(_WC_TYPES), n, p=[0.15, 0.25, 0.2, 0.1, 0.3])
    type_idx = np.select([slot == 0, slot == 1], [0, 3], extra)
    wtype = np.array(_WC_TYPES)[type_idx]
    label = np.empty(n, dtype=object)
    for t, labels in WORK_CENTER_TYPES.items():  # five types
        mask = wtype == t
        label[mask] = _pick(rng, labels, int(mask.sum()))
    facility_id = factories["id"].to_numpy()[row]
    at_chicago = facility_id == _FAC_CHI
    label[at_chicago & (slot == 0)] = "Assembly Line"
    label[at_chicago & (slot == 1)] = "Test Bench"
    cap = np.array([_WC_SPECS[t][0] for t in _WC_TYPES])[type_idx]
    rate = np.array([_WC_SPECS[t][1] for t in _WC_TYPES])[type_idx]
    setup = np.array([_WC_SPECS[t][2] for t in _WC_TYPES])[type_idx]
    u = rng.random((3, n))
    fac_created = factories["created_at"].dt.epoch("us").to_numpy()[row]
    return (
        pl.DataFrame(
            {
                "id": _ids(n),
                "facility_id": facility_id,
                "work_center_type": wtype,
                "label": label.astype(str),
                "capacity_per_day": (cap[:, 0] + u[0] * (cap[:, 1] - cap[:, 0])).astype(np.int64),
                "efficiency_rating": np.round(rng.uniform(0.70, 0.98, n), 2),
                "hourly_rate_usd": np.round(rate[:, 0] + u[1] * (rate[:, 1] - rate[:, 0]), 2),
                "setup_time_mins": (setup[:, 0] + u[2] * (setup[:, 1] - setup[:, 0])).astype(
                    np.int64
                ),
                "is_active": (slot < 2) | (rng.random(n) < 0.92),
                "created_at": _instants(fac_created + rng.integers(_DAY_S, 90 * _DAY_S, n) * _US),
            }
        )
        .with_columns(
            wc_code=pl.format(
                "WC-{}-{}",
                pl.col("work_center_type").replace_strict(_WC_ABBR),
                (pl.int_range(1, pl.len() + 1).over("work_center_type"))
                .cast(pl.String)
                .str.zfill(2),
            ),
            name=pl.format(
                "{} {}", "label", pl.int_range(1, pl.len() + 1).over("facility_id", "label")
            ),
        )
        .select(
            "id",
            "wc_code",
            "name",
            "facility_id",
            "work_center_type",
            "capacity_per_day",
            "efficiency_rating",
            "hourly_rate_usd",
            "setup_time_mins",
            "is_active",
            "created_at",
        )
    )


# routing templates: step kinds 0 prep, 1 first assembly op, 2 second assembly op,
# 3 first test op, 4 second test op, 5 packaging; -1 = no step
_ROUTING_TEMPLATES = np.array(
    [
        [1, 3, 5, -1, -1],  # 3 steps
        [0, 1, 3, 5, -1],  # 4 steps
        [0, 1, 2, 3, 5],  # 5 steps, two assembly operations
        [0, 1, 3, 4, 5],  # 5 steps, two test operations
    ]
)
# named products: home factory, template, prep op, assembly ops, test ops, packaging op
_NAMED_ROUTINGS: Mapping[int, tuple[int, int, int, tuple[int, int], tuple[int, int], int]] = {
    _TURBO: (_FAC_CHI, 2, 1, (0, 3), (1, 3), 0),
    _FLUX: (_FAC_MUN, 1, 0, (1, 2), (2, 3), 0),
    _WIDGET: (_FAC_CHI, 0, 0, (3, 0), (3, 0), 1),
}


def _production_routings(
    params: GenerationParams, products: pl.DataFrame, work_centers: pl.DataFrame
) -> pl.DataFrame:
    """One current 3-5 step routing per product at its home factory; a few superseded ones."""
    rng = params.rng("production_routings")
    n_products = products.height
    factories = np.unique(work_centers["facility_id"].to_numpy())
    home = rng.permutation(np.resize(factories, n_products))
    template = rng.choice(4, n_products, p=[0.1, 0.25, 0.35, 0.3])
    prep = rng.integers(0, len(_PREP_OPS), n_products)
    a1 = rng.integers(0, len(_ASM_OPS), n_products)
    a2 = (a1 + rng.integers(1, len(_ASM_OPS), n_products)) % len(_ASM_OPS)
    t1 = rng.integers(0, len(_TEST_OPS), n_products)
    t2 = (t1 + rng.integers(1, len(_TEST_OPS), n_products)) % len(_TEST_OPS)
    asm = np.sort(np.stack([a1, a2], axis=1), axis=1)
    test = np.sort(np.stack([t1, t2], axis=1), axis=1)
    pack = rng.integers(0, len(_PACK_OPS), n_products)
    for pid, (fac, tpl, prep_op, asm_ops, test_ops, pack_op) in _NAMED_ROUTINGS.items():
        i = pid - 1  # three named products
        home[i], template[i], prep[i], pack[i] = fac, tpl, prep_op, pack_op
        asm[i], test[i] = asm_ops, test_ops

    steps = (_ROUTING_TEMPLATES >= 0).sum(axis=1)[template]
    product_idx, step_idx = _expand(np.arange(n_products), steps)
    kind = _ROUTING_TEMPLATES[template[product_idx], step_idx]
    p = product_idx
    operation = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3, kind == 4],
        [
            np.array(_PREP_OPS)[prep[p]],
            np.array(_ASM_OPS)[asm[p, 0]],
            np.array(_ASM_OPS)[asm[p, 1]],
            np.array(_TEST_OPS)[test[p, 0]],
            np.array(_TEST_OPS)[test[p, 1]],
        ],
        np.array(_PACK_OPS)[pack[p]],
    )
    n = len(p)
    wanted_type = _operation_types(operation)
    active_wc = work_centers.filter("is_active")
    wc_key = active_wc["facility_id"].to_numpy() * 8 + _type_index(
        active_wc["work_center_type"].to_numpy()
    )
    by_key = _members(wc_key, active_wc["id"].to_numpy())
    facility = home[p]
    wc = _pick_member(rng, facility * 8 + wanted_type, by_key)
    fallback = _pick_member(rng, facility * 8 + _WC_TYPES.index("assembly"), by_key)
    wc = np.where(wc > 0, wc, fallback)
    codes = dict(zip(work_centers["wc_code"].to_list(), work_centers["id"].to_list(), strict=True))
    turbo = p == _TURBO - 1
    wc = np.where(turbo & np.isin(kind, [1, 2]), codes["WC-ASM-01"], wc)
    wc = np.where(turbo & np.isin(kind, [3, 4]), codes["WC-TEST-01"], wc)

    wc_type = work_centers["work_center_type"].to_numpy()[wc - 1]
    wc_setup = work_centers["setup_time_mins"].to_numpy()[wc - 1]
    run_range = np.array([_RUN_MINUTES[t] for t in _WC_TYPES])[_type_index(wc_type)]
    run = np.round(run_range[:, 0] + rng.random(n) * (run_range[:, 1] - run_range[:, 0]), 2)
    setup = np.maximum(5, np.round(wc_setup * rng.uniform(0.7, 1.3, n))).astype(np.int64)

    # effectivity, in days relative to history start: current versions cover all of history
    launch = (products["launch_date"].to_numpy() - np.datetime64(params.history_start, "D")).astype(
        np.int64
    )
    superseded = (launch <= -400) & (rng.random(n_products) < 0.1)
    superseded[: len(_NAMED_PRODUCTS)] = False
    change = launch + 180 + (rng.random(n_products) * (-181 - launch)).astype(np.int64)
    first_from = launch - rng.integers(14, 181, n_products)
    current_from = np.where(superseded, change, first_from)
    # one creation instant per routing version, a little before it takes effect
    start_us = _us(params.start_instant())
    first_created = (
        start_us
        + (np.minimum(first_from, -1) - rng.integers(1, 61, n_products)) * _DAY_S * _US
        + rng.integers(0, _DAY_S, n_products) * _US
    )
    change_created = (
        start_us
        + (np.minimum(change, -1) - rng.integers(1, 61, n_products)) * _DAY_S * _US
        + rng.integers(0, _DAY_S, n_products) * _US
    )
    current_created = np.where(superseded, change_created, first_created)

    current = pl.DataFrame(
        {
            "product_id": (p + 1).astype(np.int64),
            "step_sequence": (step_idx + 1) * 10,
            "operation_name": operation,
            "work_center_id": wc.astype(np.int64),
            "setup_time_mins": setup,
            "run_time_per_unit_mins": run,
            "is_active": np.ones(n, dtype=bool),
            "from_day": current_from[p],
            "to_day": np.zeros(n, dtype=np.int64),
            "has_to": np.zeros(n, dtype=bool),
            "created_us": current_created[p],
        }
    )
    old_rows = superseded[p]
    m = int(old_rows.sum())
    old = current.filter(pl.Series(old_rows)).with_columns(
        setup_time_mins=(pl.col("setup_time_mins") * pl.Series(rng.uniform(1.0, 1.3, m)))
        .round()
        .cast(pl.Int64),
        run_time_per_unit_mins=(
            pl.col("run_time_per_unit_mins") * pl.Series(rng.uniform(1.05, 1.35, m))
        ).round(2),
        is_active=pl.lit(False),
        from_day=pl.Series(first_from[p][old_rows]),
        to_day=pl.Series(change[p][old_rows] - 1),
        has_to=pl.lit(True),
        created_us=pl.Series(first_created[p][old_rows]),
    )
    routings = pl.concat([current, old]).sort("product_id", "from_day", "step_sequence")
    total = routings.height
    from_day = routings["from_day"].to_numpy()
    return routings.with_columns(
        id=pl.Series(_ids(total)),
        effective_from=pl.Series(_days(params.history_start, from_day)),
        effective_to=pl.Series(
            _days(
                params.history_start,
                routings["to_day"].to_numpy(),
                null=~routings["has_to"].to_numpy(),
            )
        ),
        created_at=_instants(routings["created_us"].to_numpy()),
    ).select(
        "id",
        "product_id",
        "step_sequence",
        "operation_name",
        "work_center_id",
        "setup_time_mins",
        "run_time_per_unit_mins",
        "is_active",
        "effective_from",
        "effective_to",
        "created_at",
    )


def _type_index(types: np.ndarray) -> np.ndarray:
    """Index into ``_WC_TYPES`` of each work center type."""
    order = np.argsort(_WC_TYPES)
    return order[np.searchsorted(np.array(_WC_TYPES)[order], types)]


def _operation_types(operations: np.ndarray) -> np.ndarray:
    """Index into ``_WC_TYPES`` of the work center type each operation wants."""
    names = np.array(OPERATIONS)
    order = np.argsort(names)
    wanted = np.array([_WC_TYPES.index(_OPERATION_WC_TYPE[o]) for o in OPERATIONS])
    return wanted[order[np.searchsorted(names[order], operations)]]


_VIRTUAL_LOCATIONS: tuple[tuple[str, str, str], ...] = (
    ("VENDOR", "vendor", "Vendor"),
    ("CUSTOMER", "customer", "Customer"),
    ("SCRAP", "scrap", "Scrap"),
    ("ADJUSTMENT", "adjustment", "Inventory Adjustment"),
    ("IN_TRANSIT", "in_transit", "In Transit"),
)
_BAYS, _LEVELS = 8, 4  # bins per aisle = bays x levels; aisles are lettered A, B, ...


def _z2(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.zfill(2)


def _storage_locations(params: GenerationParams, facilities: pl.DataFrame) -> pl.DataFrame:
    """Per facility a tree: site -> areas -> docks / bins / staging / conveyor lines ->
    conveyor positions, plus virtual children of the site."""
    rng = params.rng("storage_locations")
    n_fac = facilities.height
    fac = np.arange(n_fac)
    factory = facilities["facility_type"].to_numpy() == "factory"
    n_wh = rng.choice([1, 2, 3], n_fac, p=[0.4, 0.35, 0.25])
    n_rcv_docks = rng.integers(1, 4, n_fac)
    n_shp_docks = rng.integers(1, 4, n_fac)
    n_bins = np.maximum(4, np.round(rng.integers(20, 61, n_fac) * params.scale**0.25)).astype(
        np.int64
    )
    n_staging = np.where(factory, rng.integers(1, 3, n_fac), 0)
    n_lines = np.where(factory, rng.integers(1, 3, n_fac), 0)

    def rows(owner: np.ndarray, **cols: object) -> pl.DataFrame:
        exprs = {
            k: pl.Series(v)
            if isinstance(v, np.ndarray)
            else v
            if isinstance(v, pl.Expr)
            else pl.lit(v)
            for k, v in cols.items()
        }
        return pl.DataFrame({"fac": owner}).with_columns(**exprs)

    # areas: RCV, WH1..WHn, SHP, PRD (factories)
    area_fac, j = _expand(fac, 2 + n_wh + factory)
    wh_n = n_wh[area_fac]
    area_code = np.select(
        [j == 0, j <= wh_n, j == wh_n + 1], ["RCV", np.char.add("WH", j.astype(str)), "SHP"], "PRD"
    )
    area_name = np.select(
        [j == 0, j <= wh_n, j == wh_n + 1],
        ["Receiving Area", np.char.add("Warehouse ", j.astype(str)), "Shipping Area"],
        "Production Area",
    )
    rcv_fac, rcv_i = _expand(fac, n_rcv_docks)
    shp_fac, shp_i = _expand(fac, n_shp_docks)
    # bins split evenly over the warehouse areas
    wh_fac, wh_i = _expand(fac, n_wh)
    per_area = n_bins[wh_fac] // n_wh[wh_fac] + (wh_i < n_bins[wh_fac] % n_wh[wh_fac])
    area_row, bin_i = _expand(np.arange(len(wh_fac)), per_area)
    letters = np.array(list(string.ascii_uppercase))
    stg_fac, stg_i = _expand(fac, n_staging)
    line_fac, line_i = _expand(fac, n_lines)
    pos_line, pos_i = _expand(np.arange(len(line_fac)), rng.integers(4, 9, len(line_fac)))
    virt_fac, virt_i = _expand(fac, np.full(n_fac, len(_VIRTUAL_LOCATIONS)))

    pieces = [
        rows(fac, rank=0, path=pl.lit(""), parent=pl.lit(None), label=pl.lit(""), kind="site"),
        rows(area_fac, rank=1, path=area_code, parent=pl.lit(""), label=area_name, kind="area"),
        rows(
            rcv_fac,
            rank=2,
            path=np.char.add("RCV/DOCK", np.char.zfill((rcv_i + 1).astype(str), 2)),
            parent=pl.lit("RCV"),
            label=np.char.add("Receiving Dock ", (rcv_i + 1).astype(str)),
            kind="dock",
        ),
        rows(
            shp_fac,
            rank=2,
            path=np.char.add("SHP/DOCK", np.char.zfill((shp_i + 1).astype(str), 2)),
            parent=pl.lit("SHP"),
            label=np.char.add("Shipping Dock ", (shp_i + 1).astype(str)),
            kind="dock",
        ),
        rows(
            stg_fac,
            rank=3,
            path=np.char.add("PRD/STG", np.char.zfill((stg_i + 1).astype(str), 2)),
            parent=pl.lit("PRD"),
            label=np.char.add("Line-side Staging ", (stg_i + 1).astype(str)),
            kind="staging",
        ),
        rows(
            line_fac,
            rank=4,
            path=np.char.add("PRD/CNV", np.char.zfill((line_i + 1).astype(str), 2)),
            parent=pl.lit("PRD"),
            label=np.char.add("Conveyor Line ", (line_i + 1).astype(str)),
            kind="conveyor_line",
        ),
    ]
    line_path = np.char.add("PRD/CNV", np.char.zfill((line_i + 1).astype(str), 2))[pos_line]
    line_label = np.char.add("Conveyor Line ", (line_i + 1).astype(str))[pos_line]
    pieces.append(
        rows(
            line_fac[pos_line],
            rank=5,
            path=np.char.add(
                np.char.add(line_path, "/P"), np.char.zfill((pos_i + 1).astype(str), 2)
            ),
            parent=line_path,
            label=np.char.add(np.char.add(line_label, " Position "), (pos_i + 1).astype(str)),
            kind="conveyor_position",
            position=pos_i + 1,
        )
    )
    wh = np.char.add("WH", (wh_i[area_row] + 1).astype(str))
    slot = np.char.add(
        np.char.add(
            letters[np.minimum(bin_i // (_BAYS * _LEVELS), 25)],
            np.char.zfill((bin_i // _LEVELS % _BAYS + 1).astype(str), 2),
        ),
        np.char.add("-", np.char.zfill((bin_i % _LEVELS + 1).astype(str), 2)),
    )
    pieces.append(
        rows(
            wh_fac[area_row],
            rank=6,
            path=np.char.add(np.char.add(wh, "/"), slot),
            parent=wh,
            label=np.char.add(np.char.add(wh, " Bin "), slot),
            kind="bin",
        )
    )
    virtual = np.array(_VIRTUAL_LOCATIONS)
    pieces.append(
        rows(
            virt_fac,
            rank=7,
            path=virtual[virt_i, 0],
            parent=pl.lit(""),
            label=np.char.add(virtual[virt_i, 2], " (virtual)"),
            kind=virtual[virt_i, 1],
        )
    )
    frame = pl.concat(
        [
            piece.with_columns(
                path=pl.col("path").cast(pl.String),
                parent=pl.col("parent").cast(pl.String),
                label=pl.col("label").cast(pl.String),
                kind=pl.col("kind").cast(pl.String),
                rank=pl.col("rank").cast(pl.Int32),
                position=(pl.col("position") if "position" in piece.columns else pl.lit(None)).cast(
                    pl.Int64
                ),
            ).select("fac", "rank", "path", "parent", "label", "kind", "position")
            for piece in pieces
        ],
    )
    site = facilities.select(
        fac=pl.int_range(pl.len()).cast(pl.Int64),
        facility_id="id",
        site_code="facility_code",
        site_name="name",
        site_created=pl.col("created_at").dt.epoch("us"),
    )
    frame = (
        frame.with_columns(pl.col("fac").cast(pl.Int64))
        .join(site, on="fac", how="left", maintain_order="left")
        .with_columns(
            location_code=pl.when(pl.col("path") == "")
            .then("site_code")
            .otherwise(pl.format("{}/{}", "site_code", "path")),
            parent_code=pl.when(pl.col("parent").is_null())
            .then(pl.lit(None, dtype=pl.String))
            .when(pl.col("parent") == "")
            .then("site_code")
            .otherwise(pl.format("{}/{}", "site_code", "parent")),
            name=pl.when(pl.col("rank") == 0)
            .then("site_name")
            .otherwise(pl.format("{} {}", "site_code", "label")),
        )
        .sort("facility_id", "rank", "location_code")
    )
    n = frame.height
    frame = frame.with_columns(
        id=pl.Series(_ids(n)),
        # a site's locations are set up with it, parents before children
        created_at=_instants(
            frame["site_created"].to_numpy()
            + (frame["rank"].to_numpy().astype(np.int64) * _DAY_S + rng.integers(0, _DAY_S, n))
            * _US
        ),
    )
    return frame.join(
        frame.select(parent_code="location_code", parent_location_id="id"),
        on="parent_code",
        how="left",
        maintain_order="left",
    ).select(
        "id",
        "location_code",
        "name",
        "facility_id",
        "parent_location_id",
        location_type="kind",
        is_physical=~pl.col("kind").is_in([v[1] for v in _VIRTUAL_LOCATIONS]),
        position_sequence="position",
        created_at="created_at",
    )


# --- entry point -------------------------------------------------------------------------------


def build_master(params: GenerationParams) -> dict[str, pl.DataFrame]:
    """All master tables, keyed by raw table name (columns as in ``RAW_SCHEMAS``)."""
    fake = Faker("en_US")
    fake.seed_instance(params.seed)
    cities = _city_frame()
    suppliers = _suppliers(params, fake, cities)
    parts, level = _parts(params, suppliers)
    products, product_components = _products(params, parts, level)
    facilities = _facilities(params, cities)
    work_centers = _work_centers(params, facilities)
    return {
        "suppliers": suppliers,
        "supplier_relationships": _supplier_relationships(params, suppliers),
        "parts": parts,
        "bill_of_materials": _bill_of_materials(params, parts, level),
        "part_suppliers": _part_suppliers(params, parts, suppliers),
        "products": products,
        "product_components": product_components,
        "facilities": facilities,
        "transport_routes": _transport_routes(params, facilities, cities),
        "customers": _customers(params, fake, cities),
        "supplier_certifications": _supplier_certifications(params, suppliers),
        "work_centers": work_centers,
        "production_routings": _production_routings(params, products, work_centers),
        "storage_locations": _storage_locations(params, facilities),
    }
