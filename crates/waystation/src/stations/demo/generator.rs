//! The station generator shared by the regional demo set and the scale set:
//! names, addresses, points, opening hours, amenities, managers, posted rules,
//! the six haves and where each station is in its life.
//!
//! Deterministic byte for byte on every platform: `ChaCha8Rng` is specified
//! independently of the machine, integers are drawn as `u32` (never `usize`),
//! and the arithmetic on coordinates uses only `+ - * /` and rounding, which
//! IEEE 754 defines exactly — no `ln`, `cos` or `sqrt`, whose last bit differs
//! between C libraries.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::foundation::people::PhoneNumber;
use waystation_domain::kit::geo::LatLng;
use waystation_domain::stations::hours::OpeningHours;
use waystation_domain::stations::{Amenities, Amenity, SixHaves, StationDraft, StationKind};

/// The seed of every demo data set (a date: People's Daily's count of 186,100
/// stations, 2025-01-17); each region draws from its own stream.
pub const DEMO_SEED: u64 = 20250117;

/// Where a station is in its life once loaded. Suspended and retired stations
/// reach that state through a status change, so their history tells why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Open,
    Planned,
    Suspended(&'static str),
    Retired(&'static str),
}

const SUSPENSION_REASONS: &[&str] = &["设施维修，暂停开放", "场地装修改造", "管理员调整，暂停服务", "防汛期间暂停开放", "配合道路施工暂停开放"];
const RETIREMENT_REASONS: &[&str] = &["场地到期", "场地拆迁改造", "共建单位退出共建", "连续三个月无人使用，按退出机制撤销", "年度考核不达标，按退出机制撤销"];

/// One generated station: what to import, what becomes of it, where it moves.
#[derive(Debug, Clone)]
pub struct Draft {
    pub input: StationDraft,
    pub lifecycle: Lifecycle,
    /// Later locations of a movable station, applied in order after the import.
    pub moves: Vec<(LatLng, String)>,
}

/// A place stations are scattered around: a district, county or city.
#[derive(Debug, Clone, Copy)]
pub struct Area<'a> {
    /// As written in addresses: `渝中区`, `石柱土家族自治县`, `成都市`.
    pub name: &'a str,
    /// As written in station names: `渝中`, `石柱`, `成都`.
    pub short: &'a str,
    /// Centres on land (WGS-84 lat, lng) that points cluster around.
    pub centres: &'a [(f64, f64)],
    /// The standard deviation of the scatter, in kilometres.
    pub sigma_km: f64,
    /// Street names of the area; empty for [`COMMON_STREETS`].
    pub streets: &'a [&'a str],
}

/// Heating matters north of the Qinling–Huai line; air-conditioning everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Climate {
    North,
    South,
}

/// Street names found in almost every Chinese town, for areas without their own list.
pub const COMMON_STREETS: &[&str] = &[
    "人民路", "解放路", "新华路", "建设路", "滨江路", "中山路", "文化路", "迎宾大道", "朝阳路", "胜利路", "和平路", "团结路",
    "光明路", "工业大道", "世纪大道", "体育路", "学府路", "东环路", "西环路", "南环路", "北环路", "长安路", "青年路", "幸福路",
    "振兴路", "民主路", "健康路", "府前路", "站前路", "商业街",
];

const COMMUNITY_STEMS: &[&str] = &[
    "和平", "新华", "幸福", "光明", "建设", "朝阳", "滨江", "锦绣", "桂花", "翠湖", "春晖", "阳光", "紫荆", "东风", "红岩", "花园",
    "育才", "文星", "书香", "南湖", "天星", "长乐", "福寿", "永安", "兴隆", "德胜", "民主", "人和", "安居", "馨园", "金桥", "望江",
];

const HOSTS: &[&str] = &[
    "环卫所", "城管中队", "加油站", "邮政支局", "供电所", "电信营业厅", "移动营业厅", "社区服务中心", "公交站场", "农贸市场", "超市",
    "银行网点", "商场", "医院", "党群服务中心", "消防救援站", "交警中队", "物流园",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑",
    "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶",
    "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "钟", "谭", "陆", "汪", "范", "金", "廖", "夏", "付", "方", "邹", "熊",
    "秦", "江", "雷", "龙", "贺", "毛", "万", "向", "冉",
];

const GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚",
    "桂英", "建华", "志强", "晓燕", "海燕", "红梅", "建国", "国强", "春梅", "玉兰", "丽华", "文杰", "俊杰", "婷婷", "雪梅", "德明",
    "永红", "小红", "慧", "琳", "鹏", "辉", "宇", "浩", "建军", "国庆", "红霞", "志刚", "晓东", "立新", "建平", "秀兰", "金凤",
    "海军", "利民", "卫东", "春燕", "晓红", "家伟",
];

const SHOP_WORDS: &[&str] = &["福满", "和顺", "老街坊", "好运来", "金牌", "鑫源", "美家", "湘味", "渝味", "百味", "佳佳", "邻里", "乐购", "惠民", "星城", "小城"];
const SHOP_KINDS: &[&str] = &["便利店", "粉面馆", "快餐店", "奶茶店", "水果店", "超市", "包子铺", "药房", "汽修店", "手机店", "餐馆", "烘焙坊"];

/// Opening hours with their share of stations; `true` marks hours run like a
/// government office, which follow the official working-day calendar.
const UNION_HOURS: &[(&str, u32, bool)] = &[
    ("24/7", 10, false),
    ("Mo-Su 07:00-22:00", 22, false),
    ("Mo-Su 08:00-20:00", 18, false),
    ("Mo-Fr 08:30-17:30; PH off", 15, true),
    ("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off", 8, false),
    ("Mo-Su 06:00-23:00", 12, false),
    ("Apr-Sep: Mo-Su 07:00-21:00; Oct-Mar: Mo-Su 08:00-20:00", 8, false),
    ("Mo-Sa 07:30-19:30", 7, false),
];
const SHOP_HOURS: &[(&str, u32, bool)] = &[
    ("Mo-Su 10:00-22:00", 30, false),
    ("Mo-Su 09:00-21:00", 25, false),
    ("Mo-Su 10:30-14:00,16:30-21:30", 20, false),
    ("24/7", 10, false),
    ("Mo-Su 07:00-22:00", 15, false),
];
const DRIVERS_HOURS: &[(&str, u32, bool)] = &[("24/7", 80, false), ("Mo-Su 06:00-23:00", 20, false)];
const VENUE_HOURS: &[(&str, u32, bool)] = &[
    ("Mo-Fr 08:30-17:30; PH off", 40, true),
    ("Tu-Su 09:00-17:00", 25, false),
    ("Mo-Su 08:00-20:00", 25, false),
    ("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off", 10, false),
];
const BOOTH_HOURS: &[(&str, u32, bool)] =
    &[("Mo-Su 07:00-19:00", 50, false), ("Apr-Sep: Mo-Su 06:30-20:00; Oct-Mar: Mo-Su 07:30-18:00", 50, false)];

const RULES_COMMON: &str = "请爱护站内设施，保持环境整洁，离站时关闭电器电源。\n站内禁止吸烟，禁止存放易燃易爆物品。\n\
    服务流程：扫码登记 → 自助使用 → 意见反馈（扫码或拨打管理员电话）。\n\
    安全须知：用电设备请按说明使用；如遇突发情况请联系站点管理员，或拨打 120、119、110。";

/// A stream of random draws for one region or data set.
pub struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    /// The stream named `stream` of the demo seed: regions do not shift each other.
    pub fn new(stream: &str) -> Self {
        // FNV-1a: stable, unlike the standard library's hasher.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in stream.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Self { rng: ChaCha8Rng::seed_from_u64(DEMO_SEED ^ hash) }
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.rng.gen::<f64>()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        self.rng.gen_range(lo..=hi)
    }

    pub fn index(&mut self, len: usize) -> usize {
        let len = u32::try_from(len).expect("demo lists are short");
        self.rng.gen_range(0..len) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    pub fn pick_str<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.index(items.len())]
    }

    /// An index drawn with the given weights.
    pub fn weighted(&mut self, weights: impl Iterator<Item = u32> + Clone) -> usize {
        let total: u32 = weights.clone().sum();
        let mut draw = self.rng.gen_range(0..total);
        for (i, w) in weights.enumerate() {
            if draw < w {
                return i;
            }
            draw -= w;
        }
        unreachable!("the draw is below the total")
    }

    /// Roughly standard normal, bounded to ±3 (Irwin–Hall with three terms, scaled).
    pub fn normalish(&mut self) -> f64 {
        (self.unit() + self.unit() + self.unit() - 1.5) * 2.0
    }

    /// A point scattered around one of the area's centres.
    pub fn point_in(&mut self, area: &Area) -> LatLng {
        let (lat, lng) = *self.pick(area.centres);
        self.point_near(lat, lng, area.sigma_km)
    }

    /// A point scattered around (lat, lng) with `sigma_km`, rounded to 1e-6 degrees (~0.1 m).
    pub fn point_near(&mut self, lat: f64, lng: f64, sigma_km: f64) -> LatLng {
        const KM_PER_DEGREE: f64 = 111.195;
        let dlat = self.normalish() * sigma_km / KM_PER_DEGREE;
        let dlng = self.normalish() * sigma_km / (KM_PER_DEGREE * cos_degrees(lat));
        let round = |x: f64| (x * 1e6).round() / 1e6;
        LatLng::new(round(lat + dlat), round(lng + dlng)).expect("demo points lie in China")
    }

    pub fn street<'a>(&mut self, area: &Area<'a>) -> &'a str {
        if area.streets.is_empty() {
            self.pick_str(COMMON_STREETS)
        } else {
            self.pick_str(area.streets)
        }
    }

    /// `渝中区民族路 166 号`.
    pub fn address(&mut self, area: &Area, street: &str) -> String {
        format!("{}{} {} 号", area.name, street, self.range(1, 399))
    }

    pub fn community(&mut self) -> &'static str {
        self.pick_str(COMMUNITY_STEMS)
    }

    /// Where the union's partners host a station (城管、邮政、电力、金融、通信、社区、商场超市…).
    pub fn host(&mut self) -> &'static str {
        self.pick_str(HOSTS)
    }

    pub fn shop_name(&mut self) -> String {
        format!("{}{}", self.pick(SHOP_WORDS), self.pick(SHOP_KINDS))
    }

    pub fn person_name(&mut self) -> String {
        format!("{}{}", self.pick(SURNAMES), self.pick(GIVEN_NAMES))
    }

    /// A valid mainland mobile number in the 139 00xx xxxx block.
    pub fn phone(&mut self) -> PhoneNumber {
        PhoneNumber::parse(&format!("13900{:06}", self.range(0, 999_999))).expect("a valid mainland mobile number")
    }

    /// The manager's name and phone; a few stations have none on record.
    pub fn manager(&mut self) -> (Option<String>, Option<PhoneNumber>) {
        if self.chance(0.04) {
            return (None, None);
        }
        let name = self.person_name();
        let phone = (!self.chance(0.05)).then(|| self.phone());
        (Some(name), phone)
    }

    /// Opening hours fitting the kind, and whether they follow the working calendar.
    pub fn hours(&mut self, kind: StationKind) -> (OpeningHours, bool) {
        let table = match kind {
            StationKind::UnionStation | StationKind::RiderStation => UNION_HOURS,
            StationKind::PartnerShop => SHOP_HOURS,
            StationKind::DriversHome => DRIVERS_HOURS,
            StationKind::MassOrganisationVenue => VENUE_HOURS,
            StationKind::MobileBooth => BOOTH_HOURS,
        };
        let (text, _, office) = table[self.weighted(table.iter().map(|h| h.1))];
        (OpeningHours::parse(text).expect("the demo's opening hours parse"), office)
    }

    /// Amenities fitting the kind. Counted parking is left out unless
    /// `parking`: regions that reproduce a seed's parking figures add their own.
    pub fn amenities(&mut self, kind: StationKind, climate: Climate, parking: bool) -> Amenities {
        use Amenity::*;
        let mut a = Amenities::default();
        let add = |a: &mut Amenities, amenity: Amenity, count: Option<u32>| a.insert(amenity, count).expect("demo amenities are well formed");
        if self.chance(0.985) {
            add(&mut a, DrinkingWater, None);
        }
        if self.chance(0.975) {
            add(&mut a, PhoneCharging, None);
        }
        let heating = if climate == Climate::North { 0.85 } else { 0.25 };
        // (amenity, probability) per kind; counted ones draw their count below.
        let table: &[(Amenity, f64)] = match kind {
            StationKind::UnionStation => &[
                (HotWater, 0.85), (Microwave, 0.7), (Toilet, 0.55), (RestSeats, 0.95), (AirConditioning, 0.8), (Heating, heating),
                (Wifi, 0.6), (FirstAidKit, 0.8), (UmbrellaLending, 0.5), (EbikeCharging, 0.25), (ReadingArea, 0.3),
                (LegalAdvice, 0.15), (RepairTools, 0.2), (MotorbikeParking, 0.1),
            ],
            StationKind::RiderStation => &[
                (HotWater, 0.8), (Microwave, 0.8), (Toilet, 0.4), (RestSeats, 0.95), (AirConditioning, 0.7), (Heating, heating),
                (Wifi, 0.6), (FirstAidKit, 0.7), (UmbrellaLending, 0.4), (EbikeCharging, 0.6), (EbikeBatterySwap, 0.3),
                (RepairTools, 0.4), (MotorbikeParking, 0.3), (LegalAdvice, 0.1),
            ],
            StationKind::DriversHome => &[
                (HotWater, 0.95), (Microwave, 0.6), (Toilet, 1.0), (RestSeats, 1.0), (AirConditioning, 0.9), (Heating, heating),
                (Wifi, 0.9), (FirstAidKit, 0.8), (CarParking, 1.0), (EvChargers, 0.3), (Shower, 0.9), (Laundry, 0.8),
                (Lodging, 0.7), (Meals, 0.9), (RepairTools, 0.5), (LegalAdvice, 0.2),
            ],
            StationKind::PartnerShop => &[
                (HotWater, 0.4), (Microwave, 0.3), (Toilet, 0.3), (RestSeats, 0.9), (AirConditioning, 0.8), (Heating, heating * 0.5),
                (Wifi, 0.7), (FirstAidKit, 0.3), (UmbrellaLending, 0.3), (DiscountedMeals, 0.4),
            ],
            StationKind::MassOrganisationVenue => &[
                (HotWater, 0.9), (Microwave, 0.4), (Toilet, 0.9), (RestSeats, 1.0), (AirConditioning, 0.9), (Heating, heating),
                (Wifi, 0.9), (FirstAidKit, 0.8), (UmbrellaLending, 0.4), (ReadingArea, 0.7), (LegalAdvice, 0.3),
            ],
            StationKind::MobileBooth => &[
                (HotWater, 0.6), (Microwave, 0.3), (RestSeats, 1.0), (AirConditioning, 0.5), (Heating, heating * 0.5),
                (FirstAidKit, 0.7), (UmbrellaLending, 0.6),
            ],
        };
        for &(amenity, p) in table {
            let counted_parking = matches!(amenity, CarParking | EvChargers | MotorbikeParking);
            if (counted_parking && !parking) || !self.chance(p) {
                continue;
            }
            let count = match (amenity, kind) {
                (RestSeats, StationKind::DriversHome) => Some(self.range(10, 40)),
                (RestSeats, StationKind::MassOrganisationVenue) => Some(self.range(10, 60)),
                (RestSeats, StationKind::PartnerShop | StationKind::MobileBooth) => Some(self.range(2, 6)),
                (RestSeats, _) => Some(self.range(4, 20)),
                (CarParking, _) => Some(self.range(10, 60)),
                (EvChargers, _) => Some(self.range(2, 8)),
                (MotorbikeParking, _) => Some(self.range(2, 10)),
                _ => None,
            };
            add(&mut a, amenity, count);
        }
        a
    }

    /// The six haves; `complete` is the share of stations that meet all six.
    /// The others miss one or two, most often timely map information.
    pub fn six_haves(&mut self, complete: f64) -> SixHaves {
        let mut six = SixHaves { signage: true, layout: true, facilities: true, services: true, rules: true, map_info: true };
        if self.chance(complete) {
            return six;
        }
        for _ in 0..self.range(1, 2) {
            match self.weighted([4u32, 1, 1, 2, 1, 2].into_iter()) {
                0 => six.map_info = false,
                1 => six.signage = false,
                2 => six.layout = false,
                3 => six.facilities = false,
                4 => six.services = false,
                _ => six.rules = false,
            }
        }
        six
    }

    /// Most stations are open; about 2 % suspended, 1 % planned, 1 % retired.
    pub fn lifecycle(&mut self) -> Lifecycle {
        let draw = self.range(0, 999);
        match draw {
            0..=9 => Lifecycle::Planned,
            10..=19 => Lifecycle::Retired(self.pick_str(RETIREMENT_REASONS)),
            20..=39 => Lifecycle::Suspended(self.pick_str(SUSPENSION_REASONS)),
            _ => Lifecycle::Open,
        }
    }

    /// The posted rules of a station of this kind.
    pub fn rules(&mut self, kind: StationKind) -> String {
        let first = match kind {
            StationKind::UnionStation => "本站点免费向户外劳动者开放，提供饮水、热饭、手机充电、临时休息等服务。",
            StationKind::RiderStation => "本驿站免费向快递员、外卖骑手等新就业形态劳动者开放，可饮水、热饭、充电、歇脚。",
            StationKind::DriversHome => "货车司机、网约车司机凭驾驶证登记后免费使用休息区；住宿、餐食按公示价格收费，请提前预约。\n停车场内禁止加注燃油和维修作业。",
            StationKind::PartnerShop => "本店为爱心驿站，骑手、快递员等户外劳动者可免费饮水、手机充电、临时休息；用餐高峰请为就餐顾客留座。",
            StationKind::MassOrganisationVenue => "场地可通过“群团 e 家”预约使用；活动结束后请恢复桌椅、关闭门窗。",
            StationKind::MobileBooth => "本驿站为可移动岗亭，位置可能随需要调整，请以地图显示为准。",
        };
        let mut rules = format!("{first}\n{RULES_COMMON}");
        if self.chance(0.3) {
            rules.push_str("\n开水器每日 22:00 后断电，次日 07:00 恢复。");
        }
        rules
    }

    /// A name for a generic station of this kind in `area` on `street`.
    pub fn station_name(&mut self, kind: StationKind, area: &Area, street: &str) -> String {
        let street_stem = street.trim_end_matches("正街");
        match kind {
            StationKind::UnionStation => match self.range(0, 7) {
                0 | 1 => format!("{street_stem}爱心驿站"),
                2 => format!("{}社区工会驿站", self.community()),
                3 => format!("{}{street_stem}户外劳动者服务站", area.short),
                4 => format!("{street_stem}{}工会驿站", self.host()),
                5 => format!("{street_stem}{}爱心驿站", self.host()),
                6 => format!("{}{}户外劳动者服务站", area.short, self.host()),
                _ => format!("{}社区环卫工人休息点", self.community()),
            },
            StationKind::RiderStation => match self.range(0, 3) {
                0 => format!("{street_stem}快递驿站"),
                1 => format!("{}{street_stem}骑手驿站", area.short),
                2 => format!("{}社区快递驿站", self.community()),
                _ => format!("{street_stem}外卖小哥之家"),
            },
            StationKind::DriversHome => format!("{}{street_stem}司机之家", area.short),
            StationKind::PartnerShop => format!("{}（{street_stem}店）爱心驿站", self.shop_name()),
            StationKind::MassOrganisationVenue => format!("{}{}", self.community(), self.pick(&["党群服务中心", "青年之家", "妇女之家", "职工书屋"])),
            StationKind::MobileBooth => format!("{}{street_stem}移动驿站", area.short),
        }
    }
}

/// A station as most regions make it; the caller adjusts what its seed says.
#[allow(clippy::too_many_arguments)]
pub fn draft(
    g: &mut Gen,
    kind: StationKind,
    org_id: OrgId,
    area: &Area,
    climate: Climate,
    parking: bool,
    six_complete: f64,
    external_id: String,
) -> Draft {
    let street = g.street(area).to_owned();
    let name = g.station_name(kind, area, &street);
    let address = g.address(area, &street);
    let location = g.point_in(area);
    let (hours, office) = g.hours(kind);
    let amenities = g.amenities(kind, climate, parking);
    let (manager_name, manager_phone) = g.manager();
    let rules = g.rules(kind);
    let six_haves = g.six_haves(six_complete);
    let lifecycle = g.lifecycle();
    Draft {
        input: StationDraft {
            name,
            kind,
            org_id,
            partner_org_ids: Vec::new(),
            address,
            location,
            hours,
            follows_working_calendar: office,
            amenities,
            manager_name,
            manager_phone,
            rules,
            six_haves,
            external_id: Some(external_id),
        },
        lifecycle,
        moves: Vec::new(),
    }
}

/// cos of an angle in degrees by its Taylor series: exact IEEE arithmetic only,
/// within 1e-7 for the latitudes of China.
pub fn cos_degrees(degrees: f64) -> f64 {
    let x = degrees * (std::f64::consts::PI / 180.0);
    let x2 = x * x;
    1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0 * (1.0 - x2 / 90.0))))
}

/// Splits `total` into parts proportional to `weights` (largest remainder), summing exactly to `total`.
pub fn apportion(total: u32, weights: &[u32]) -> Vec<u32> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    assert!(sum > 0, "apportioning needs a positive weight");
    let mut parts: Vec<u32> = weights.iter().map(|&w| (u64::from(total) * u64::from(w) / sum) as u32).collect();
    let mut remainders: Vec<(u64, usize)> =
        weights.iter().enumerate().map(|(i, &w)| ((u64::from(total) * u64::from(w)) % sum, i)).collect();
    // Largest remainder first; ties go to the earlier entry.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = total - parts.iter().sum::<u32>();
    for &(_, i) in remainders.iter().take(short as usize) {
        parts[i] += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioning_keeps_the_total() {
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(apportion(5_378, &[156, 112, 49, 69]).iter().sum::<u32>(), 5_378);
        assert_eq!(apportion(0, &[3, 4]), vec![0, 0]);
    }

    #[test]
    fn the_series_cosine_is_close_enough() {
        for d in [0.0, 18.0, 29.5, 40.0, 53.5] {
            assert!((cos_degrees(d) - d.to_radians().cos()).abs() < 1e-6, "{d}");
        }
    }

    #[test]
    fn every_demo_opening_hours_text_parses() {
        for table in [UNION_HOURS, SHOP_HOURS, DRIVERS_HOURS, VENUE_HOURS, BOOTH_HOURS] {
            for (text, _, _) in table {
                OpeningHours::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            }
        }
    }

    #[test]
    fn the_same_stream_draws_the_same_values() {
        let mut a = Gen::new("x");
        let mut b = Gen::new("x");
        let area = Area { name: "渝中区", short: "渝中", centres: &[(29.558, 106.577)], sigma_km: 0.5, streets: &["民族路"] };
        for _ in 0..100 {
            assert_eq!(a.point_in(&area), b.point_in(&area));
        }
        assert_ne!(Gen::new("x").unit(), Gen::new("y").unit());
    }
}
