"""The 65 participating units of the demo: labour protection and welfare offices.

Ten Bangkok area offices (central) and fifty-five provincial offices (regional), named as
such offices are named in Thailand. Reference data only; an operator imports the real list.
"""

from __future__ import annotations

# (code, province in Thai, province in English)
PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("KBI", "กระบี่", "Krabi"),
    ("KRI", "กาญจนบุรี", "Kanchanaburi"),
    ("KSN", "กาฬสินธุ์", "Kalasin"),
    ("KPT", "กำแพงเพชร", "Kamphaeng Phet"),
    ("KKN", "ขอนแก่น", "Khon Kaen"),
    ("CTI", "จันทบุรี", "Chanthaburi"),
    ("CCO", "ฉะเชิงเทรา", "Chachoengsao"),
    ("CBI", "ชลบุรี", "Chon Buri"),
    ("CNT", "ชัยนาท", "Chai Nat"),
    ("CPM", "ชัยภูมิ", "Chaiyaphum"),
    ("CPN", "ชุมพร", "Chumphon"),
    ("CRI", "เชียงราย", "Chiang Rai"),
    ("CMI", "เชียงใหม่", "Chiang Mai"),
    ("TRG", "ตรัง", "Trang"),
    ("TRT", "ตราด", "Trat"),
    ("TAK", "ตาก", "Tak"),
    ("NYK", "นครนายก", "Nakhon Nayok"),
    ("NPT", "นครปฐม", "Nakhon Pathom"),
    ("NPM", "นครพนม", "Nakhon Phanom"),
    ("NMA", "นครราชสีมา", "Nakhon Ratchasima"),
    ("NRT", "นครศรีธรรมราช", "Nakhon Si Thammarat"),
    ("NSN", "นครสวรรค์", "Nakhon Sawan"),
    ("NBI", "นนทบุรี", "Nonthaburi"),
    ("NWT", "นราธิวาส", "Narathiwat"),
    ("NAN", "น่าน", "Nan"),
    ("BKN", "บึงกาฬ", "Bueng Kan"),
    ("BRM", "บุรีรัมย์", "Buri Ram"),
    ("PTE", "ปทุมธานี", "Pathum Thani"),
    ("PKN", "ประจวบคีรีขันธ์", "Prachuap Khiri Khan"),
    ("PRI", "ปราจีนบุรี", "Prachin Buri"),
    ("PTN", "ปัตตานี", "Pattani"),
    ("AYA", "พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
    ("PYO", "พะเยา", "Phayao"),
    ("PNA", "พังงา", "Phangnga"),
    ("PLG", "พัทลุง", "Phatthalung"),
    ("PCT", "พิจิตร", "Phichit"),
    ("PLK", "พิษณุโลก", "Phitsanulok"),
    ("PBI", "เพชรบุรี", "Phetchaburi"),
    ("PNB", "เพชรบูรณ์", "Phetchabun"),
    ("PRE", "แพร่", "Phrae"),
    ("PKT", "ภูเก็ต", "Phuket"),
    ("MKM", "มหาสารคาม", "Maha Sarakham"),
    ("MDH", "มุกดาหาร", "Mukdahan"),
    ("MSN", "แม่ฮ่องสอน", "Mae Hong Son"),
    ("YST", "ยโสธร", "Yasothon"),
    ("YLA", "ยะลา", "Yala"),
    ("RET", "ร้อยเอ็ด", "Roi Et"),
    ("RNG", "ระนอง", "Ranong"),
    ("RYG", "ระยอง", "Rayong"),
    ("RBR", "ราชบุรี", "Ratchaburi"),
    ("LRI", "ลพบุรี", "Lop Buri"),
    ("LPG", "ลำปาง", "Lampang"),
    ("LPN", "ลำพูน", "Lamphun"),
    ("SKA", "สงขลา", "Songkhla"),
    ("UBN", "อุบลราชธานี", "Ubon Ratchathani"),
)


def demo_units() -> list[dict[str, str | None]]:
    units: list[dict[str, str | None]] = []
    for n in range(1, 11):
        units.append(
            {
                "code": f"BKK{n:02d}",
                "name_th": f"สำนักงานสวัสดิการและคุ้มครองแรงงานกรุงเทพมหานครพื้นที่ {n}",
                "name_en": f"Bangkok Labour Protection and Welfare Office, Area {n}",
                "kind": "central",
                "province": "กรุงเทพมหานคร",
            }
        )
    for code, th, en in PROVINCES:
        units.append(
            {
                "code": code,
                "name_th": f"สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัด{th}",
                "name_en": f"{en} Provincial Labour Protection and Welfare Office",
                "kind": "regional",
                "province": th,
            }
        )
    assert len(units) == 65, len(units)
    return units
