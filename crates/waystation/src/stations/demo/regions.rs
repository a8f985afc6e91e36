//! The regional demo set: the stations of the places in the seed documents,
//! with the seeds' own figures.
//!
//! | region | stations | source (seeds/) |
//! |---|---|---|
//! | Chongqing | 5,606, 228 in the main urban area; 1,300+ car spaces, 50 with chargers, 360 with motorbike spaces (1,600+), 400+ that could open parking | 004: 截至目前，重庆市已建成工会驿站5606个。其中，主城区228个驿站，可提供机动车临时停车位1300余个，安装充电桩的有50个，提供摩托车临时服务的站点有360个，车位1600余个。另有400多个工会驿站具备设置临时停车位的条件，但由于客观原因暂未开通。 |
//! | Fujian | 2,600, 519 co-built with 兴业银行 and 福建省农信联社, numbered, six haves | 002: 共建户外劳动者服务站点2600余个 … 福建省总工会联合兴业银行、福建省农信联社新推出的519处户外劳动者驿站 |
//! | Changsha | 500 partner shops + 30 Ele.me logistics sites | 000: 500家遍布长沙的商家店铺将化身“爱心驿站” … 长沙 30 个饿了么物流站点也升级为骑士驿站 |
//! | Jiangmen | 8 union stations + 9 free e-bike check points | 003: 已在江门建立 8 个工会爱心驿站、9 个新就业形态劳动者免费电动车检测站点 |
//! | Putuo | 47 venues: 22 of the union, the rest of the youth league and the women's federation | 003: 普陀区工会组织建有 22 个职工服务阵地，整合后，职工会员通过‘群团 e 家’可以使用 47 个群团组织的服务阵地 |
//! | Beijing Chaoyang | 47 union service stations | 002: 朝阳区47家工会服务站累计服务户外劳动者逾7000人次 |
//! | Qinghai Dulan | the 220 m² drivers' home of Balong | 000: 都兰县总工会投资 32.5 万元建成巴隆乡“司机之家”，总面积 220 平方米 |
//! | Haimen, Tianjin, Jiaxing/Pinghu | a dozen to a few dozen (the seeds give no count) | SPEC §1; 002 for Pinghu's 林埭镇共享“司机之家” |

use std::collections::HashSet;

use waystation_domain::kit::geo::LatLng;
use waystation_domain::stations::hours::OpeningHours;
use waystation_domain::stations::{Amenities, Amenity, SixHaves, StationDraft, StationKind};

use super::generator::{apportion, draft, Area, Climate, Draft, Gen, Lifecycle};
use crate::foundation::demo::OrgIds;

/// The seed documents' figures that the regional set reproduces.
pub mod figures {
    pub const CHONGQING_STATIONS: u32 = 5_606;
    pub const CHONGQING_MAIN_URBAN_STATIONS: u32 = 228;
    /// 可提供机动车临时停车位1300余个
    pub const CHONGQING_CAR_SPACES: u32 = 1_326;
    /// 安装充电桩的有50个: stations with chargers (the seed does not count the chargers).
    pub const CHONGQING_CHARGER_STATIONS: u32 = 50;
    /// 提供摩托车临时服务的站点有360个
    pub const CHONGQING_MOTORBIKE_STATIONS: u32 = 360;
    /// 车位1600余个
    pub const CHONGQING_MOTORBIKE_SPACES: u32 = 1_620;
    /// 另有400多个工会驿站具备设置临时停车位的条件，但由于客观原因暂未开通
    pub const CHONGQING_PARKING_NOT_YET_OPEN: u32 = 412;
    pub const FUJIAN_STATIONS: u32 = 2_600;
    /// 联合兴业银行、福建省农信联社新推出的519处户外劳动者驿站
    pub const FUJIAN_BANK_STATIONS: u32 = 519;
    pub const CHANGSHA_SHOPS: u32 = 500;
    pub const CHANGSHA_LOGISTICS_SITES: u32 = 30;
    pub const JIANGMEN_UNION_STATIONS: u32 = 8;
    pub const JIANGMEN_EBIKE_CHECK_POINTS: u32 = 9;
    pub const PUTUO_VENUES: u32 = 47;
    pub const PUTUO_UNION_VENUES: u32 = 22;
    pub const CHAOYANG_STATIONS: u32 = 47;
    pub const HAIMEN_BOOTHS: u32 = 12;
    pub const TIANJIN_STATIONS: u32 = 36;
    pub const JIAXING_STATIONS: u32 = 34;
}
use figures::*;

/// Posted at the stations that could open parking but have not yet.
pub const PARKING_NOT_YET_OPEN_NOTICE: &str = "本站具备设置临时停车位条件，因场地权属等客观原因暂未开通，正在协调中。";

/// One region of the set: its label and its stations, in import order.
pub struct Region {
    pub label: &'static str,
    pub drafts: Vec<Draft>,
}

/// Every region, in the order they are loaded.
pub fn build(ids: &OrgIds) -> Vec<Region> {
    vec![
        Region { label: "重庆市（主城区 228 个）", drafts: chongqing(ids) },
        Region { label: "福建省", drafts: fujian(ids) },
        Region { label: "湖南省长沙市", drafts: changsha(ids) },
        Region { label: "广东省江门市", drafts: jiangmen(ids) },
        Region { label: "浙江省舟山市普陀区", drafts: putuo(ids) },
        Region { label: "江苏省南通市海门区", drafts: haimen(ids) },
        Region { label: "天津市", drafts: tianjin(ids) },
        Region { label: "北京市朝阳区", drafts: chaoyang(ids) },
        Region { label: "浙江省嘉兴市（含平湖）", drafts: jiaxing(ids) },
        Region { label: "青海省海西州都兰县", drafts: dulan(ids) },
    ]
}

/// Keeps names unique within a region: a second `人民路爱心驿站` becomes
/// `人民路爱心驿站（和平社区）`, as station lists tell neighbours apart, and
/// `人民路爱心驿站（2号站）` when the communities run out.
#[derive(Default)]
struct Names(HashSet<String>);

impl Names {
    fn unique(&mut self, g: &mut Gen, name: String) -> String {
        if self.0.insert(name.clone()) {
            return name;
        }
        for _ in 0..4 {
            let candidate = format!("{name}（{}社区）", g.community());
            if self.0.insert(candidate.clone()) {
                return candidate;
            }
        }
        (2..).map(|n| format!("{name}（{n}号站）")).find(|candidate| self.0.insert(candidate.clone())).expect("some number is free")
    }
}

/// `万州` + `人民路爱心驿站` → `万州人民路爱心驿站`, for areas whose streets repeat across a region.
fn with_area(short: &str, name: String) -> String {
    if name.starts_with(short) {
        name
    } else {
        format!("{short}{name}")
    }
}

fn external_id(prefix: &str, n: usize) -> String {
    format!("{prefix}-{n:06}")
}

fn add(amenities: &mut Amenities, amenity: Amenity, count: Option<u32>) {
    amenities.insert(amenity, count).expect("demo amenities are well formed");
}

fn all_six() -> SixHaves {
    SixHaves { signage: true, layout: true, facilities: true, services: true, rules: true, map_info: true }
}

/// A kind drawn from `(kind, weight)`.
fn kind_from(g: &mut Gen, table: &[(StationKind, u32)]) -> StationKind {
    table[g.weighted(table.iter().map(|k| k.1))].0
}

/// Chooses `n` distinct indices of `candidates` (a partial Fisher–Yates shuffle).
fn choose(g: &mut Gen, candidates: &[usize], n: usize) -> Vec<usize> {
    assert!(n <= candidates.len(), "not enough candidates: {n} of {}", candidates.len());
    let mut pool = candidates.to_vec();
    for i in 0..n {
        let j = i + g.index(pool.len() - i);
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool
}

// ---------------------------------------------------------------- Chongqing

const YUZHONG: Area = Area {
    name: "渝中区",
    short: "渝中",
    // Along the peninsula between the Yangtze and the Jialing: 解放碑, 七星岗, 两路口, 大坪.
    centres: &[(29.5575, 106.5770), (29.5560, 106.5620), (29.5560, 106.5480), (29.5405, 106.5160)],
    sigma_km: 0.25,
    streets: &[
        "民族路", "民权路", "邹容路", "八一路", "中山一路", "中山二路", "中山三路", "解放东路", "解放西路", "新华路", "和平路",
        "大坪正街", "长江一路", "长江二路", "上清寺路", "人民路", "较场口", "菜园坝",
    ],
};
const JIANGBEI: Area = Area {
    name: "江北区",
    short: "江北",
    centres: &[(29.5760, 106.5330), (29.5890, 106.5600)],
    sigma_km: 0.8,
    streets: &["建新北路", "建新南路", "建新东路", "洋河路", "观音桥步行街", "五里店", "石马河", "大石坝", "海尔路", "鸿恩路", "北滨路", "港城路"],
};
const SHAPINGBA: Area = Area {
    name: "沙坪坝区",
    short: "沙坪坝",
    centres: &[(29.5570, 106.4560), (29.6080, 106.3050)],
    sigma_km: 0.7,
    streets: &["小龙坎正街", "天星桥", "沙坪坝正街", "汉渝路", "站西路", "土湾", "石井坡", "大学城中路", "大学城南路", "西永大道", "井口"],
};
const JIULONGPO: Area = Area {
    name: "九龙坡区",
    short: "九龙坡",
    centres: &[(29.5050, 106.5100), (29.5240, 106.4920)],
    sigma_km: 0.7,
    streets: &["杨家坪正街", "谢家湾正街", "石坪桥", "黄桷坪正街", "渝州路", "科园一路", "科园四路", "二郎", "华岩路", "石杨路"],
};
const NANAN: Area = Area {
    name: "南岸区",
    short: "南岸",
    centres: &[(29.5220, 106.5720), (29.4950, 106.6420)],
    sigma_km: 0.7,
    streets: &["南坪正街", "南坪西路", "江南大道", "弹子石", "南滨路", "学府大道", "茶园路", "通江大道", "丹龙路"],
};
const DADUKOU: Area = Area {
    name: "大渡口区",
    short: "大渡口",
    centres: &[(29.4840, 106.4820)],
    sigma_km: 0.7,
    streets: &["春晖路", "松青路", "钢城大道", "文体路", "翠柏路", "新山村"],
};
const BEIBEI: Area = Area {
    name: "北碚区",
    short: "北碚",
    centres: &[(29.8250, 106.4420), (29.7400, 106.4950)],
    sigma_km: 0.5,
    streets: &["中山路", "天生路", "云华路", "碚峡路", "蔡家大道", "歇马大道"],
};
const YUBEI: Area = Area {
    name: "渝北区",
    short: "渝北",
    centres: &[(29.7180, 106.6300), (29.6100, 106.5200)],
    sigma_km: 0.9,
    streets: &["金开大道", "龙溪路", "新牌坊", "龙山大道", "金港大道", "双龙大道", "空港大道", "两路", "桂馥大道"],
};
const BANAN: Area = Area {
    name: "巴南区",
    short: "巴南",
    centres: &[(29.3850, 106.5450), (29.4350, 106.5500)],
    sigma_km: 0.7,
    streets: &["龙洲大道", "鱼洞新市街", "巴滨路", "李家沱正街", "渝南大道", "南泉路"],
};

/// The nine main-urban districts: (owner key, area, stations, drivers' homes).
const CHONGQING_MAIN_URBAN: &[(&str, &Area, u32, u32)] = &[
    ("yuzhong", &YUZHONG, 40, 0),
    ("jiangbei", &JIANGBEI, 30, 1),
    ("shapingba", &SHAPINGBA, 28, 2),
    ("jiulongpo", &JIULONGPO, 30, 2),
    ("nanan", &NANAN, 26, 1),
    ("yubei", &YUBEI, 32, 3),
    ("banan", &BANAN, 16, 2),
    ("beibei", &BEIBEI, 14, 1),
    ("dadukou", &DADUKOU, 12, 1),
];

/// The other 29 districts and counties: (address name, short name, centre, weight ~ population in 10,000s).
const CHONGQING_COUNTIES: &[(&str, &str, (f64, f64), u32)] = &[
    ("万州区", "万州", (30.8078, 108.4087), 156),
    ("涪陵区", "涪陵", (29.7030, 107.3890), 112),
    ("黔江区", "黔江", (29.5330, 108.7710), 49),
    ("长寿区", "长寿", (29.8580, 107.0800), 69),
    ("江津区", "江津", (29.2900, 106.2590), 136),
    ("合川区", "合川", (29.9720, 106.2760), 124),
    ("永川区", "永川", (29.3560, 105.9270), 115),
    ("南川区", "南川", (29.1580, 107.0990), 58),
    ("綦江区", "綦江", (29.0280, 106.6510), 101),
    ("大足区", "大足", (29.7000, 105.7200), 84),
    ("璧山区", "璧山", (29.5920, 106.2270), 77),
    ("铜梁区", "铜梁", (29.8440, 106.0560), 69),
    ("潼南区", "潼南", (30.1900, 105.8400), 69),
    ("荣昌区", "荣昌", (29.4050, 105.5940), 67),
    ("开州区", "开州", (31.1610, 108.3930), 120),
    ("梁平区", "梁平", (30.6540, 107.8000), 65),
    ("武隆区", "武隆", (29.3250, 107.7600), 35),
    ("城口县", "城口", (31.9470, 108.6650), 19),
    ("丰都县", "丰都", (29.8640, 107.7310), 56),
    ("垫江县", "垫江", (30.3270, 107.3330), 65),
    ("忠县", "忠县", (30.3000, 108.0380), 72),
    ("云阳县", "云阳", (30.9300, 108.6970), 93),
    ("奉节县", "奉节", (31.0190, 109.4640), 74),
    ("巫山县", "巫山", (31.0750, 109.8790), 46),
    ("巫溪县", "巫溪", (31.3980, 109.5700), 39),
    ("石柱土家族自治县", "石柱", (29.9990, 108.1140), 39),
    ("秀山土家族苗族自治县", "秀山", (28.4480, 108.9890), 48),
    ("酉阳土家族苗族自治县", "酉阳", (28.8400, 108.7670), 61),
    ("彭水苗族土家族自治县", "彭水", (29.2940, 108.1660), 49),
];


fn chongqing(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("chongqing");
    let mut names = Names::default();
    let mut drafts: Vec<Draft> = Vec::with_capacity(CHONGQING_STATIONS as usize);
    // The main urban area: the union's own stations, riders' stations, partner shops and a few drivers' homes.
    let mut drivers_homes = Vec::new();
    for &(key, area, count, homes) in CHONGQING_MAIN_URBAN {
        for i in 0..count {
            let kind = if i < homes {
                StationKind::DriversHome
            } else {
                kind_from(&mut g, &[(StationKind::UnionStation, 77), (StationKind::RiderStation, 15), (StationKind::PartnerShop, 8)])
            };
            let owner = match (key, kind) {
                ("yuzhong", StationKind::RiderStation) => ids.get("yuzhong-couriers"),
                ("yuzhong", _) if g.chance(0.3) => ids.get("jiefangbei"),
                _ => ids.get(key),
            };
            let mut d = draft(&mut g, kind, owner, area, Climate::South, false, 0.6, external_id("CQ", drafts.len() + 1));
            if key == "yuzhong" && i == 0 {
                d.input.name = "解放碑户外劳动者服务站".to_owned();
                d.input.address = "渝中区民族路 166 号".to_owned();
                d.input.location = LatLng::new(29.557_812, 106.577_305).expect("a point in Chongqing");
                d.input.org_id = ids.get("jiefangbei");
                d.input.kind = StationKind::UnionStation;
                d.lifecycle = Lifecycle::Open;
            }
            d.input.name = names.unique(&mut g, d.input.name);
            if kind == StationKind::DriversHome {
                drivers_homes.push(drafts.len());
            }
            drafts.push(d);
        }
    }
    let main_urban = drafts.len();
    assert_eq!(main_urban as u32, CHONGQING_MAIN_URBAN_STATIONS);
    // The other districts and counties, owned by the city federation (they have no federation in the demo tree).
    let weights: Vec<u32> = CHONGQING_COUNTIES.iter().map(|c| c.3).collect();
    let counts = apportion(CHONGQING_STATIONS - CHONGQING_MAIN_URBAN_STATIONS, &weights);
    for (&(name, short, centre, _), count) in CHONGQING_COUNTIES.iter().zip(counts) {
        let centres = [centre];
        let area = Area { name, short, centres: &centres, sigma_km: 1.5, streets: &[] };
        for _ in 0..count {
            let kind = kind_from(&mut g, &[(StationKind::UnionStation, 80), (StationKind::RiderStation, 12), (StationKind::PartnerShop, 8)]);
            let mut d = draft(&mut g, kind, ids.get("chongqing"), &area, Climate::South, false, 0.6, external_id("CQ", drafts.len() + 1));
            let name = if kind == StationKind::PartnerShop { d.input.name } else { with_area(short, d.input.name) };
            d.input.name = names.unique(&mut g, name);
            drafts.push(d);
        }
    }
    assert_eq!(drafts.len() as u32, CHONGQING_STATIONS);
    chongqing_parking(&mut g, &mut drafts, main_urban, &drivers_homes);
    drafts
}

/// Puts the seed's parking on the stations: car spaces and chargers in the
/// main urban area (where the seed counts them), motorbike spaces across the
/// city (360 stations are more than the main area's 228), and the notice at
/// 412 stations that could open parking. Stations with parking are open.
fn chongqing_parking(g: &mut Gen, drafts: &mut [Draft], main_urban: usize, drivers_homes: &[usize]) {
    const CAR_STATIONS: usize = 160;
    const MOTORBIKE_MAIN_URBAN: usize = 140;
    // Not the partner shops, nor 解放碑's station on the pedestrian street (index 0).
    let others: Vec<usize> =
        (1..main_urban).filter(|i| !drivers_homes.contains(i) && drafts[*i].input.kind != StationKind::PartnerShop).collect();
    let mut car = drivers_homes.to_vec();
    car.extend(choose(g, &others, CAR_STATIONS - drivers_homes.len()));
    car.sort_unstable();
    // Every car station has at least one space; the rest follow drawn weights, drivers' homes weigh most.
    let weights: Vec<u32> =
        car.iter().map(|&i| if drafts[i].input.kind == StationKind::DriversHome { g.range(25, 45) } else { g.range(2, 12) }).collect();
    let spaces = apportion(CHONGQING_CAR_SPACES - car.len() as u32, &weights);
    for (&i, extra) in car.iter().zip(spaces) {
        add(&mut drafts[i].input.amenities, Amenity::CarParking, Some(1 + extra));
        drafts[i].lifecycle = Lifecycle::Open;
    }
    let non_home_car: Vec<usize> = car.iter().copied().filter(|i| !drivers_homes.contains(i)).collect();
    let mut chargers = drivers_homes.to_vec();
    chargers.extend(choose(g, &non_home_car, CHONGQING_CHARGER_STATIONS as usize - drivers_homes.len()));
    for &i in &chargers {
        let count = if drafts[i].input.kind == StationKind::DriversHome { g.range(4, 10) } else { g.range(1, 4) };
        add(&mut drafts[i].input.amenities, Amenity::EvChargers, Some(count));
    }
    let main: Vec<usize> = (0..main_urban).collect();
    let outer: Vec<usize> = (main_urban..drafts.len()).collect();
    let mut motorbike = choose(g, &main, MOTORBIKE_MAIN_URBAN);
    motorbike.extend(choose(g, &outer, CHONGQING_MOTORBIKE_STATIONS as usize - MOTORBIKE_MAIN_URBAN));
    motorbike.sort_unstable();
    let weights: Vec<u32> = motorbike.iter().map(|_| g.range(1, 8)).collect();
    let spaces = apportion(CHONGQING_MOTORBIKE_SPACES - 2 * motorbike.len() as u32, &weights);
    for (&i, extra) in motorbike.iter().zip(spaces) {
        add(&mut drafts[i].input.amenities, Amenity::MotorbikeParking, Some(2 + extra));
        drafts[i].lifecycle = Lifecycle::Open;
    }
    let without: Vec<usize> = (0..drafts.len()).filter(|i| !car.contains(i) && !motorbike.contains(i)).collect();
    for i in choose(g, &without, CHONGQING_PARKING_NOT_YET_OPEN as usize) {
        let rules = &mut drafts[i].input.rules;
        rules.push('\n');
        rules.push_str(PARKING_NOT_YET_OPEN_NOTICE);
    }
}

// ---------------------------------------------------------------- Fujian

const FUZHOU: &[Area] = &[
    Area { name: "鼓楼区", short: "鼓楼", centres: &[(26.0820, 119.2970)], sigma_km: 1.0, streets: &["五四路", "八一七北路", "东街", "杨桥路", "湖东路", "华林路", "铜盘路"] },
    Area { name: "台江区", short: "台江", centres: &[(26.0600, 119.3090)], sigma_km: 0.6, streets: &["八一七中路", "工业路", "六一中路", "江滨中大道", "群众路", "交通路"] },
    Area { name: "仓山区", short: "仓山", centres: &[(26.0250, 119.3150)], sigma_km: 1.0, streets: &["南江滨西大道", "金山大道", "浦上大道", "福湾路", "首山路", "则徐大道"] },
    Area { name: "晋安区", short: "晋安", centres: &[(26.0820, 119.3280)], sigma_km: 1.2, streets: &["福新路", "岳峰路", "长乐北路", "福马路", "连江北路", "鼓山大道"] },
    Area { name: "马尾区", short: "马尾", centres: &[(25.9900, 119.4550)], sigma_km: 0.6, streets: &["江滨东大道", "罗星路", "君竹路", "儒江西路"] },
    Area { name: "长乐区", short: "长乐", centres: &[(25.9620, 119.5230)], sigma_km: 1.2, streets: &["郑和中路", "吴航路", "首占大道", "会堂路"] },
    Area { name: "福清市", short: "福清", centres: &[(25.7200, 119.3840)], sigma_km: 1.5, streets: &["清昌大道", "福百大道", "一拂路", "融侨路"] },
];
const XIAMEN: &[Area] = &[
    Area { name: "思明区", short: "思明", centres: &[(24.4630, 118.0950), (24.4850, 118.1200)], sigma_km: 0.7, streets: &["湖滨南路", "厦禾路", "中山路", "思明南路", "莲前西路", "嘉禾路", "环岛路", "莲花路"] },
    Area { name: "湖里区", short: "湖里", centres: &[(24.5130, 118.1300)], sigma_km: 0.8, streets: &["湖滨北路", "仙岳路", "吕岭路", "枋湖路", "兴隆路", "江头北路", "金山路"] },
    Area { name: "集美区", short: "集美", centres: &[(24.5760, 118.0970)], sigma_km: 0.7, streets: &["集美大道", "杏林湾路", "银江路", "乐海路", "诚毅大街"] },
    Area { name: "海沧区", short: "海沧", centres: &[(24.4850, 118.0330)], sigma_km: 0.8, streets: &["海沧大道", "新阳路", "沧林路", "钟林路", "马青路"] },
    Area { name: "同安区", short: "同安", centres: &[(24.7230, 118.1520)], sigma_km: 1.3, streets: &["同安环城路", "城东路", "西湖路", "同集路"] },
    Area { name: "翔安区", short: "翔安", centres: &[(24.6180, 118.2480)], sigma_km: 1.3, streets: &["翔安南路", "新店路", "翔安北路", "民安大道"] },
];
const QUANZHOU: &[Area] = &[
    Area { name: "鲤城区", short: "鲤城", centres: &[(24.9080, 118.5870)], sigma_km: 0.8, streets: &["温陵路", "中山路", "新华路", "庄府巷", "江滨北路"] },
    Area { name: "丰泽区", short: "丰泽", centres: &[(24.8900, 118.6130)], sigma_km: 1.0, streets: &["丰泽街", "刺桐路", "田安路", "泉秀路", "宝洲街", "东海大街"] },
    Area { name: "洛江区", short: "洛江", centres: &[(24.9400, 118.6700)], sigma_km: 1.0, streets: &["万安路", "双阳大道", "安吉路"] },
    Area { name: "晋江市", short: "晋江", centres: &[(24.7810, 118.5520)], sigma_km: 1.5, streets: &["世纪大道", "泉安中路", "青阳街", "迎宾路", "长兴路"] },
    Area { name: "石狮市", short: "石狮", centres: &[(24.7320, 118.6480)], sigma_km: 1.2, streets: &["宝岛路", "八七路", "长福路", "九二路"] },
    Area { name: "南安市", short: "南安", centres: &[(24.9600, 118.3860)], sigma_km: 1.2, streets: &["成功街", "南洪路", "溪美街", "康美大道"] },
];
const DEHUA: Area = Area { name: "德化县", short: "德化", centres: &[(25.4910, 118.2410)], sigma_km: 1.0, streets: &["龙浔路", "瓷都大道", "浔中路", "城东大道", "唐寨山路"] };
const QUANGANG: Area = Area { name: "泉港区", short: "泉港", centres: &[(25.1260, 118.9160)], sigma_km: 1.0, streets: &["驿峰路", "泉港大道", "山腰路", "通港路"] };
const ZHANGZHOU: &[Area] = &[
    Area { name: "芗城区", short: "芗城", centres: &[(24.5100, 117.6540)], sigma_km: 1.0, streets: &["胜利路", "延安路", "南昌路", "新华北路", "大同路"] },
    Area { name: "龙文区", short: "龙文", centres: &[(24.5030, 117.7090)], sigma_km: 1.0, streets: &["水仙大街", "建元路", "迎宾路", "蓝田路"] },
    Area { name: "龙海区", short: "龙海", centres: &[(24.4460, 117.8180)], sigma_km: 1.2, streets: &["紫泥路", "南环路", "龙海大道"] },
    Area { name: "漳浦县", short: "漳浦", centres: &[(24.1170, 117.6140)], sigma_km: 1.2, streets: &["绥安路", "金浦路", "麦市街"] },
];
const PUTIAN: &[Area] = &[
    Area { name: "城厢区", short: "城厢", centres: &[(25.4190, 119.0000)], sigma_km: 1.0, streets: &["荔城中大道", "文献路", "梅园路", "学园路", "东圳路"] },
    Area { name: "荔城区", short: "荔城", centres: &[(25.4320, 119.0150)], sigma_km: 1.0, streets: &["荔城大道", "八二一街", "胜利路", "镇海路"] },
    Area { name: "涵江区", short: "涵江", centres: &[(25.4590, 119.1160)], sigma_km: 1.0, streets: &["涵中路", "宫下路", "国欢路"] },
    Area { name: "仙游县", short: "仙游", centres: &[(25.3620, 118.6920)], sigma_km: 1.2, streets: &["八二五大街", "胜利路", "枫亭路"] },
];
const SANMING: &[Area] = &[
    Area { name: "三元区", short: "三元", centres: &[(26.2340, 117.6080)], sigma_km: 1.0, streets: &["列东街", "新市路", "绿岩路", "梅列大道"] },
    Area { name: "沙县区", short: "沙县", centres: &[(26.3970, 117.7930)], sigma_km: 1.0, streets: &["府西路", "建国路", "小吃文化街"] },
    Area { name: "永安市", short: "永安", centres: &[(25.9420, 117.3650)], sigma_km: 1.0, streets: &["燕江中路", "南门路", "解放路"] },
];
const NANPING: &[Area] = &[
    Area { name: "延平区", short: "延平", centres: &[(26.6370, 118.1820)], sigma_km: 1.0, streets: &["滨江路", "八一路", "胜利街", "人民路"] },
    Area { name: "建阳区", short: "建阳", centres: &[(27.3320, 118.1200)], sigma_km: 1.0, streets: &["童游大道", "人民路", "建阳大道"] },
    Area { name: "武夷山市", short: "武夷山", centres: &[(27.7560, 118.0350)], sigma_km: 1.0, streets: &["五九路", "崇阳路", "武夷大道"] },
    Area { name: "邵武市", short: "邵武", centres: &[(27.3400, 117.4920)], sigma_km: 1.0, streets: &["熙春路", "五一路", "府前路"] },
];
const LONGYAN: &[Area] = &[
    Area { name: "新罗区", short: "新罗", centres: &[(25.0980, 117.0370)], sigma_km: 1.1, streets: &["九一路", "华莲路", "龙腾路", "登高路", "龙岩大道"] },
    Area { name: "永定区", short: "永定", centres: &[(24.7230, 116.7320)], sigma_km: 1.0, streets: &["凤城路", "环城路", "永丰路"] },
    Area { name: "上杭县", short: "上杭", centres: &[(25.0500, 116.4200)], sigma_km: 1.0, streets: &["北环路", "瓦子街", "迎宾路"] },
    Area { name: "漳平市", short: "漳平", centres: &[(25.2900, 117.4200)], sigma_km: 1.0, streets: &["和平路", "菁城路", "环城路"] },
];
const NINGDE: &[Area] = &[
    Area { name: "蕉城区", short: "蕉城", centres: &[(26.6600, 119.5260)], sigma_km: 0.7, streets: &["蕉城南路", "天湖路", "闽东路", "福宁路", "环城路"] },
    Area { name: "福安市", short: "福安", centres: &[(27.0880, 119.6470)], sigma_km: 1.0, streets: &["阳泉路", "富春路", "东大路"] },
    Area { name: "福鼎市", short: "福鼎", centres: &[(27.3240, 120.2160)], sigma_km: 1.0, streets: &["桐山路", "太姥大道", "古城路"] },
    Area { name: "霞浦县", short: "霞浦", centres: &[(26.8850, 120.0050)], sigma_km: 0.7, streets: &["福宁大道", "松城路", "太康路"] },
];

/// (owner key, city name for bank branches, areas, stations). Quanzhou's 520 include Dehua's and Quangang's.
const FUJIAN_CITIES: &[(&str, &str, &[Area], u32)] = &[
    ("fuzhou", "福州", FUZHOU, 560),
    ("xiamen", "厦门", XIAMEN, 480),
    ("quanzhou", "泉州", QUANZHOU, 420),
    ("dehua", "德化", std::slice::from_ref(&DEHUA), 60),
    ("quangang", "泉港", std::slice::from_ref(&QUANGANG), 40),
    ("zhangzhou", "漳州", ZHANGZHOU, 290),
    ("putian", "莆田", PUTIAN, 170),
    ("sanming", "三明", SANMING, 130),
    ("nanping", "南平", NANPING, 130),
    ("longyan", "龙岩", LONGYAN, 150),
    ("ningde", "宁德", NINGDE, 170),
];

/// What the seed lists for the bank-built stations: 冬季取暖、夏季避暑、临时休息、热饭饮水、无线上网、应急救治、雨天借伞.
const FUJIAN_BANK_AMENITIES: &[Amenity] = &[
    Amenity::Heating,
    Amenity::AirConditioning,
    Amenity::Microwave,
    Amenity::DrinkingWater,
    Amenity::HotWater,
    Amenity::Wifi,
    Amenity::FirstAidKit,
    Amenity::UmbrellaLending,
    Amenity::PhoneCharging,
];

fn fujian(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("fujian");
    let mut names = Names::default();
    let mut drafts: Vec<Draft> = Vec::with_capacity(FUJIAN_STATIONS as usize);
    // (city, street) of each station, for the names of bank branches.
    let mut places: Vec<(&str, String)> = Vec::with_capacity(FUJIAN_STATIONS as usize);
    for &(key, city, areas, count) in FUJIAN_CITIES {
        for _ in 0..count {
            let area = g.pick(areas);
            let kind = kind_from(
                &mut g,
                &[(StationKind::UnionStation, 83), (StationKind::RiderStation, 8), (StationKind::PartnerShop, 7), (StationKind::DriversHome, 2)],
            );
            let mut d = draft(&mut g, kind, ids.get(key), area, Climate::South, true, 0.86, external_id("FJ", drafts.len() + 1));
            let street = street_of(&d.input.address, area).to_owned();
            if kind == StationKind::UnionStation {
                d.input.name = match g.range(0, 3) {
                    0 => format!("{street}户外劳动者服务站点"),
                    1 => format!("{street}{}户外劳动者服务站点", g.host()),
                    2 => format!("{}社区户外劳动者服务站点", g.community()),
                    _ => format!("{street}工会驿站"),
                };
            }
            if kind != StationKind::PartnerShop {
                d.input.name = with_area(area.short, std::mem::take(&mut d.input.name));
            }
            d.input.rules = format!("本站点开放时间、免费服务内容及管理人员姓名、联系电话在站点门口公示。\n{}", d.input.rules);
            places.push((city, street));
            drafts.push(d);
        }
    }
    assert_eq!(drafts.len() as u32, FUJIAN_STATIONS);
    // Stations from the seed's own reporting.
    let haicang = 560;
    let quangang = 560 + 480 + 420 + 60;
    for (i, name, address, point) in [
        (haicang, "厦门城建市政公司海沧管理站户外劳动者服务站点", "海沧区海沧大道 88 号", Some((24.484_630, 118.034_210))),
        (quangang, "泉港区总工会职工服务中心户外劳动者服务站点", "泉港区驿峰路 20 号", None),
    ] {
        let d = &mut drafts[i];
        d.input.name = name.to_owned();
        d.input.address = address.to_owned();
        if let Some((lat, lng)) = point {
            d.input.location = LatLng::new(lat, lng).expect("a point in Fujian");
        }
        d.input.kind = StationKind::UnionStation;
        d.lifecycle = Lifecycle::Open;
    }
    // The 519 stations co-built with 兴业银行 (312) and the rural credit union (207).
    let union_stations: Vec<usize> =
        (0..drafts.len()).filter(|&i| drafts[i].input.kind == StationKind::UnionStation && i != haicang && i != quangang).collect();
    let banks = choose(&mut g, &union_stations, FUJIAN_BANK_STATIONS as usize);
    for (n, &i) in banks.iter().enumerate() {
        let (city, street) = &places[i];
        let branch = street.trim_end_matches("大道").trim_end_matches("大街").trim_end_matches('路').trim_end_matches('街');
        let (partner, name) = if n < 312 {
            ("fujian-cib", format!("兴业银行{city}{branch}支行户外劳动者驿站"))
        } else {
            ("fujian-rcc", format!("{city}农商银行{branch}支行户外劳动者驿站"))
        };
        let d = &mut drafts[i];
        d.input.name = name;
        d.input.partner_org_ids = vec![ids.get(partner)];
        for &amenity in FUJIAN_BANK_AMENITIES {
            if !d.input.amenities.contains(amenity) {
                add(&mut d.input.amenities, amenity, None);
            }
        }
        if !d.input.amenities.contains(Amenity::RestSeats) {
            add(&mut d.input.amenities, Amenity::RestSeats, Some(g.range(4, 12)));
        }
    }
    for d in &mut drafts {
        d.input.name = names.unique(&mut g, std::mem::take(&mut d.input.name));
    }
    drafts
}

/// The street of an address written by [`Gen::address`]: `思明区湖滨南路 12 号` → `湖滨南路`.
fn street_of<'a>(address: &'a str, area: &Area) -> &'a str {
    address.strip_prefix(area.name).unwrap_or(address).split(' ').next().unwrap_or_default()
}

// ---------------------------------------------------------------- Changsha

const CHANGSHA: &[Area] = &[
    Area { name: "芙蓉区", short: "芙蓉", centres: &[(28.1960, 112.9850), (28.1930, 113.0100)], sigma_km: 0.7, streets: &["五一大道", "芙蓉中路", "解放西路", "韭菜园路", "八一路", "人民中路", "车站北路", "远大一路"] },
    Area { name: "天心区", short: "天心", centres: &[(28.1800, 112.9850), (28.1130, 112.9880)], sigma_km: 0.7, streets: &["黄兴南路", "坡子街", "书院路", "劳动西路", "芙蓉南路", "湘府中路", "新姚路", "南湖路"] },
    Area { name: "岳麓区", short: "岳麓", centres: &[(28.2050, 112.9300), (28.2200, 112.8800)], sigma_km: 0.9, streets: &["麓山南路", "枫林路", "桐梓坡路", "金星中路", "岳麓大道", "麓谷大道", "银盆岭路"] },
    Area { name: "开福区", short: "开福", centres: &[(28.2280, 112.9850), (28.2550, 112.9900)], sigma_km: 0.7, streets: &["湘春路", "营盘路", "芙蓉北路", "三一大道", "北辰路", "伍家岭路", "蔡锷北路"] },
    Area { name: "雨花区", short: "雨花", centres: &[(28.1350, 113.0300), (28.1800, 113.0200)], sigma_km: 1.0, streets: &["劳动东路", "韶山中路", "万家丽中路", "井湾路", "时代阳光大道", "曙光中路", "长沙大道"] },
    Area { name: "望城区", short: "望城", centres: &[(28.3470, 112.8200)], sigma_km: 1.0, streets: &["郭亮路", "雷锋大道", "金星北路", "旺旺路"] },
    Area { name: "长沙县", short: "星沙", centres: &[(28.2500, 113.0800)], sigma_km: 1.2, streets: &["星沙大道", "开元路", "人民路", "东四路", "板仓路"] },
];
const CHANGSHA_WEIGHTS: &[u32] = &[18, 16, 20, 14, 20, 6, 6];

fn changsha(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("changsha");
    let mut names = Names::default();
    let mut drafts = Vec::new();
    let eleme = ids.get("changsha-eleme");
    // 500 shops lit on the map: free water, phone charging, a seat; some offer discounted meals.
    for _ in 0..CHANGSHA_SHOPS {
        let area = &CHANGSHA[g.weighted(CHANGSHA_WEIGHTS.iter().copied())];
        let mut d = draft(&mut g, StationKind::PartnerShop, ids.get("changsha-shops"), area, Climate::South, false, 0.7, external_id("CS", drafts.len() + 1));
        let street = g.street(area);
        d.input.name = format!("{}（{street}店）骑士驿站", g.shop_name());
        d.input.address = g.address(area, street);
        d.input.partner_org_ids = vec![eleme];
        for amenity in [Amenity::DrinkingWater, Amenity::PhoneCharging] {
            if !d.input.amenities.contains(amenity) {
                add(&mut d.input.amenities, amenity, None);
            }
        }
        if !d.input.amenities.contains(Amenity::RestSeats) {
            add(&mut d.input.amenities, Amenity::RestSeats, Some(g.range(2, 6)));
        }
        d.input.rules.push_str("\n本驿站同时是骑手关怀物资、装备保障的发放点。");
        d.input.name = names.unique(&mut g, d.input.name);
        drafts.push(d);
    }
    // 30 logistics sites: microwave, water dispenser, first-aid kit; rest, dining and study areas.
    for n in 0..CHANGSHA_LOGISTICS_SITES {
        let area = &CHANGSHA[(n as usize) % CHANGSHA.len()];
        let mut d = draft(&mut g, StationKind::RiderStation, ids.get("changsha"), area, Climate::South, false, 0.8, external_id("CS", drafts.len() + 1));
        let street = g.street(area);
        d.input.name = names.unique(&mut g, format!("饿了么{}{street}物流站点骑士驿站", area.short));
        d.input.address = g.address(area, street);
        d.input.partner_org_ids = vec![eleme];
        let mut a = Amenities::default();
        for amenity in [Amenity::Microwave, Amenity::DrinkingWater, Amenity::HotWater, Amenity::FirstAidKit, Amenity::PhoneCharging, Amenity::ReadingArea, Amenity::AirConditioning, Amenity::Toilet] {
            add(&mut a, amenity, None);
        }
        add(&mut a, Amenity::RestSeats, Some(g.range(12, 30)));
        if g.chance(0.6) {
            add(&mut a, Amenity::EbikeCharging, None);
        }
        if g.chance(0.7) {
            add(&mut a, Amenity::Wifi, None);
        }
        d.input.amenities = a;
        let text = if g.chance(0.4) { "24/7" } else { "Mo-Su 06:00-23:00" };
        d.input.hours = OpeningHours::parse(text).expect("valid hours");
        d.input.follows_working_calendar = false;
        d.input.rules = format!(
            "休息区、就餐区、学习区免费向骑手开放；微波炉、饮水机、应急药箱请按说明使用。{}\n{}",
            if g.chance(0.35) { "\n站内设有党建阵地和运动空间，欢迎骑手参加活动。" } else { "" },
            d.input.rules
        );
        drafts.push(d);
    }
    drafts
}

// ---------------------------------------------------------------- Jiangmen

const JIANGMEN: &[Area] = &[
    Area { name: "蓬江区", short: "蓬江", centres: &[(22.5960, 113.0780)], sigma_km: 0.9, streets: &["建设路", "港口路", "白沙大道", "江华路", "胜利路", "迎宾大道"] },
    Area { name: "江海区", short: "江海", centres: &[(22.5650, 113.1150)], sigma_km: 0.9, streets: &["五邑路", "金瓯路", "江睦路", "高新西路"] },
    Area { name: "新会区", short: "新会", centres: &[(22.5200, 113.0350)], sigma_km: 1.0, streets: &["冈州大道", "中心路", "同德路", "新会大道"] },
    Area { name: "台山市", short: "台山", centres: &[(22.2520, 112.7940)], sigma_km: 1.0, streets: &["台城环北大道", "通济路", "石化路"] },
    Area { name: "开平市", short: "开平", centres: &[(22.3770, 112.6980)], sigma_km: 1.0, streets: &["长沙东路", "祥龙大道", "新华路"] },
    Area { name: "鹤山市", short: "鹤山", centres: &[(22.7650, 112.9640)], sigma_km: 1.0, streets: &["沙坪新城路", "鹤山大道", "人民路"] },
    Area { name: "恩平市", short: "恩平", centres: &[(22.1830, 112.3050)], sigma_km: 1.0, streets: &["恩城大道", "锦江大道", "新平路"] },
];

fn jiangmen(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("jiangmen");
    let mut names = Names::default();
    let mut drafts = Vec::new();
    // 8 union love stations of 骑行之家, linked to battery swapping: two in Pengjiang, one in each other district.
    for n in 0..JIANGMEN_UNION_STATIONS as usize {
        let area = &JIANGMEN[n.saturating_sub(1)];
        let mut d = draft(&mut g, StationKind::RiderStation, ids.get("jiangmen-riders"), area, Climate::South, false, 0.8, external_id("JM", drafts.len() + 1));
        d.input.name = names.unique(&mut g, if n == 0 {
            "骑行之家户外劳动者爱心驿站（总站）".to_owned()
        } else {
            format!("骑行之家户外劳动者爱心驿站（{}）", area.short)
        });
        for amenity in [Amenity::EbikeBatterySwap, Amenity::EbikeCharging, Amenity::RepairTools] {
            if !d.input.amenities.contains(amenity) {
                add(&mut d.input.amenities, amenity, None);
            }
        }
        if n == 0 {
            d.input.rules.push_str("\n每周六在本站举办“好人·好报”专题宣讲，欢迎骑手参加。");
            d.lifecycle = Lifecycle::Open;
        }
        drafts.push(d);
    }
    // 9 free e-bike check points, with the delivery platform.
    for n in 0..JIANGMEN_EBIKE_CHECK_POINTS as usize {
        let area = &JIANGMEN[n % JIANGMEN.len()];
        let mut d = draft(&mut g, StationKind::RiderStation, ids.get("jiangmen"), area, Climate::South, false, 0.7, external_id("JM", drafts.len() + 1));
        let street = g.street(area);
        d.input.name = names.unique(&mut g, format!("{}{street}新就业形态劳动者免费电动车检测点", area.short));
        d.input.address = g.address(area, street);
        d.input.partner_org_ids = vec![ids.get("jiangmen-platform")];
        let mut a = Amenities::default();
        for amenity in [Amenity::RepairTools, Amenity::EbikeCharging, Amenity::DrinkingWater, Amenity::PhoneCharging] {
            add(&mut a, amenity, None);
        }
        add(&mut a, Amenity::RestSeats, Some(g.range(2, 4)));
        d.input.amenities = a;
        d.input.hours = OpeningHours::parse("Mo-Su 09:00-21:00").expect("valid hours");
        d.input.follows_working_calendar = false;
        d.input.rules = format!("免费为骑手检测电动车刹车、灯光、轮胎和电池。\n{}", d.input.rules);
        drafts.push(d);
    }
    drafts
}

// ---------------------------------------------------------------- Putuo

const PUTUO: &[Area] = &[
    Area { name: "普陀区沈家门街道", short: "沈家门", centres: &[(29.9530, 122.3000)], sigma_km: 0.4, streets: &["东海中路", "兴建路", "海印路", "新街", "滨港路", "鲁家峙路"] },
    Area { name: "普陀区东港街道", short: "东港", centres: &[(29.9700, 122.3180)], sigma_km: 0.45, streets: &["浦西大道", "东港大道", "海华路", "昌正街"] },
    Area { name: "普陀区朱家尖街道", short: "朱家尖", centres: &[(29.9000, 122.3880)], sigma_km: 0.45, streets: &["朱家尖大道", "樟州路", "南沙路"] },
    Area { name: "普陀区展茅街道", short: "展茅", centres: &[(30.0100, 122.2350)], sigma_km: 0.45, streets: &["展茅路", "黄杨尖路", "螺门路"] },
    Area { name: "普陀区勾山街道", short: "勾山", centres: &[(29.9760, 122.2700)], sigma_km: 0.4, streets: &["勾山路", "芦花路"] },
    Area { name: "普陀区六横镇", short: "六横", centres: &[(29.7350, 122.1300)], sigma_km: 0.4, streets: &["峧头路", "台门路", "龙山路"] },
];

fn putuo(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("putuo");
    let mut names = Names::default();
    let mut drafts = Vec::new();
    let union_named = ["普陀区工人文化宫", "普陀区职工服务中心", "展茅街道黄杨尖村“普工@家”", "沈家门渔港户外劳动者爱心驿站", "东港街道户外劳动者爱心驿站"];
    let youth_named = ["普陀区青少年宫", "普陀区青年之家", "沈家门街道青年之家", "朱家尖青年驿站"];
    let women_named = ["普陀区妇女儿童活动中心", "沈家门妈咪暖心小屋", "东港妈咪暖心小屋", "普陀区巾帼家园"];
    let groups: [(&str, u32, &[&str], &[&str]); 3] = [
        ("putuo", PUTUO_UNION_VENUES, &union_named, &["职工之家", "户外劳动者爱心驿站", "职工书屋"]),
        ("putuo-youth", 12, &youth_named, &["青年之家", "团员之家", "青少年活动室"]),
        ("putuo-women", PUTUO_VENUES - PUTUO_UNION_VENUES - 12, &women_named, &["妇女之家", "妈咪暖心小屋", "儿童之家"]),
    ];
    for (key, count, named, suffixes) in groups {
        for n in 0..count as usize {
            // A named venue stands in the area its name gives (沈家门…, 展茅…), the others anywhere.
            let drawn = &PUTUO[g.weighted([30u32, 20, 12, 12, 10, 8].into_iter())];
            let area = named.get(n).and_then(|name| PUTUO.iter().find(|a| name.contains(a.short))).unwrap_or(drawn);
            let mut d = draft(&mut g, StationKind::MassOrganisationVenue, ids.get(key), area, Climate::South, false, 0.7, external_id("PT", drafts.len() + 1));
            let name = match named.get(n) {
                Some(name) => (*name).to_owned(),
                None => format!("{}{}社区{}", area.short, g.community(), g.pick(suffixes)),
            };
            d.input.name = names.unique(&mut g, name);
            if d.input.name.contains("普工@家") {
                d.input.address = "普陀区展茅街道黄杨尖村 1 号".to_owned();
                let mut a = Amenities::default();
                for amenity in [Amenity::HotWater, Amenity::DrinkingWater, Amenity::PhoneCharging, Amenity::ReadingArea, Amenity::FirstAidKit] {
                    add(&mut a, amenity, None);
                }
                add(&mut a, Amenity::RestSeats, Some(8));
                d.input.amenities = a;
                d.input.rules = format!("站内配有烧水器、冰箱、图书架和自动体外除颤器（AED），环卫工、交通协管员、志愿者均可歇脚。\n{}", d.input.rules);
                d.lifecycle = Lifecycle::Open;
            }
            drafts.push(d);
        }
    }
    drafts
}

// ---------------------------------------------------------------- Haimen

const HAIMEN: Area = Area {
    name: "海门区",
    short: "海门",
    centres: &[(31.8710, 121.1770), (31.8930, 121.2050)],
    sigma_km: 1.2,
    streets: &["长江路", "北京路", "人民路", "解放路", "秀山路", "黄海路", "南海路", "东洲路", "浦江路"],
};

/// Converted booths that move: the first four move once, the next three twice.
fn haimen(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("haimen");
    let mut drafts = Vec::new();
    for n in 0..HAIMEN_BOOTHS as usize {
        let mut d = draft(&mut g, StationKind::MobileBooth, ids.get("haimen"), &HAIMEN, Climate::South, false, 0.7, external_id("HM", drafts.len() + 1));
        d.input.name = format!("海门区移动驿站 {} 号", n + 1);
        d.lifecycle = Lifecycle::Open;
        let moves = match n {
            0..=3 => 1,
            4..=6 => 2,
            _ => 0,
        };
        for _ in 0..moves {
            let street = g.street(&HAIMEN);
            let address = g.address(&HAIMEN, street);
            let point = g.point_in(&HAIMEN);
            d.moves.push((point, address));
        }
        drafts.push(d);
    }
    drafts
}

// ---------------------------------------------------------------- Tianjin

const TIANJIN_CITY: &[Area] = &[
    Area { name: "和平区", short: "和平", centres: &[(39.1180, 117.2000)], sigma_km: 0.7, streets: &["南京路", "和平路", "滨江道", "营口道", "赤峰道"] },
    Area { name: "河西区", short: "河西", centres: &[(39.1090, 117.2230)], sigma_km: 0.9, streets: &["友谊路", "黄河道", "大沽南路", "解放南路", "围堤道"] },
    Area { name: "南开区", short: "南开", centres: &[(39.1380, 117.1500)], sigma_km: 0.9, streets: &["鞍山西道", "卫津路", "红旗路", "复康路", "南门外大街"] },
    Area { name: "河东区", short: "河东", centres: &[(39.1230, 117.2510)], sigma_km: 0.9, streets: &["十一经路", "津塘路", "六纬路", "卫国道"] },
    Area { name: "河北区", short: "河北", centres: &[(39.1480, 117.1970)], sigma_km: 0.8, streets: &["中山路", "金纬路", "狮子林大街", "月纬路"] },
    Area { name: "红桥区", short: "红桥", centres: &[(39.1670, 117.1510)], sigma_km: 0.8, streets: &["西青道", "芥园道", "光荣道", "北马路"] },
];
const TIANJIN_BINHAI: Area = Area {
    name: "滨海新区",
    short: "滨海",
    centres: &[(39.0230, 117.6500), (39.0500, 117.7100)],
    sigma_km: 1.2,
    streets: &["新港路", "中心北路", "第三大街", "洞庭路", "上海道", "解放路", "河北路", "新华路"],
};
const TIANJIN_PORT: Area = Area { name: "滨海新区", short: "天津港", centres: &[(38.9800, 117.7250)], sigma_km: 1.0, streets: &["新港二号路", "跃进路", "海滨大道", "港航路"] };

fn tianjin(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("tianjin");
    let mut names = Names::default();
    let mut drafts = Vec::new();
    for n in 0..TIANJIN_STATIONS as usize {
        let (key, area, kind) = match n {
            0..=19 => ("tianjin", g.pick(TIANJIN_CITY), kind_from(&mut g, &[(StationKind::UnionStation, 75), (StationKind::RiderStation, 25)])),
            20..=31 => ("tianjin-binhai", &TIANJIN_BINHAI, kind_from(&mut g, &[(StationKind::UnionStation, 70), (StationKind::RiderStation, 20), (StationKind::DriversHome, 10)])),
            _ => ("tianjin-port", &TIANJIN_PORT, StationKind::DriversHome),
        };
        let mut d = draft(&mut g, kind, ids.get(key), area, Climate::North, true, 0.7, external_id("TJ", drafts.len() + 1));
        d.input.name = names.unique(&mut g, d.input.name);
        drafts.push(d);
    }
    drafts
}

// ---------------------------------------------------------------- Beijing Chaoyang

/// Chaoyang's streets and areas, one union service station each (approximate centres).
const CHAOYANG_STATIONS_AT: &[(&str, f64, f64, &str)] = &[
    ("大屯", 40.0030, 116.4050, "慧忠路"), ("建外", 39.9070, 116.4550, "建国门外大街"), ("团结湖", 39.9320, 116.4660, "团结湖路"),
    ("朝外", 39.9220, 116.4400, "朝阳门外大街"), ("呼家楼", 39.9210, 116.4610, "东三环中路"), ("三里屯", 39.9350, 116.4500, "三里屯路"),
    ("左家庄", 39.9500, 116.4400, "左家庄中街"), ("香河园", 39.9550, 116.4300, "香河园路"), ("和平街", 39.9650, 116.4200, "樱花园东街"),
    ("安贞", 39.9700, 116.4050, "安贞路"), ("亚运村", 39.9900, 116.4000, "安立路"), ("小关", 39.9800, 116.4150, "惠新东街"),
    ("酒仙桥", 39.9700, 116.4900, "酒仙桥路"), ("麦子店", 39.9500, 116.4700, "麦子店街"), ("六里屯", 39.9250, 116.4850, "甜水园街"),
    ("八里庄", 39.9150, 116.5000, "朝阳路"), ("双井", 39.8930, 116.4620, "广渠路"), ("劲松", 39.8840, 116.4550, "劲松路"),
    ("潘家园", 39.8750, 116.4600, "潘家园路"), ("垡头", 39.8600, 116.5100, "化工路"), ("南磨房", 39.8850, 116.5000, "南磨房路"),
    ("高碑店", 39.9050, 116.5300, "通惠河北路"), ("将台", 39.9700, 116.5000, "将台路"), ("太阳宫", 39.9700, 116.4450, "太阳宫中路"),
    ("望京", 39.9950, 116.4750, "望京街"), ("奥运村", 40.0050, 116.3950, "北辰西路"), ("东湖", 40.0050, 116.4800, "阜通东大街"),
    ("首都机场", 40.0700, 116.5900, "机场南路"), ("来广营", 40.0250, 116.4500, "来广营西路"), ("东风", 39.9500, 116.5000, "姚家园路"),
    ("常营", 39.9300, 116.6000, "朝阳北路"), ("三间房", 39.9100, 116.5700, "三间房南路"), ("管庄", 39.9100, 116.6000, "管庄路"),
    ("平房", 39.9400, 116.5600, "平房路"), ("十八里店", 39.8500, 116.4900, "周庄路"), ("小红门", 39.8400, 116.4500, "小红门路"),
    ("豆各庄", 39.8600, 116.5600, "豆各庄路"), ("王四营", 39.8700, 116.5300, "观音堂路"), ("东坝", 39.9700, 116.5600, "东坝中路"),
    ("孙河", 40.0500, 116.5200, "京密路"), ("崔各庄", 40.0200, 116.5100, "崔各庄路"), ("金盏", 40.0000, 116.6100, "金盏路"),
    ("黑庄户", 39.8500, 116.6000, "黑庄户路"), ("朝阳门", 39.9260, 116.4350, "朝阳门外大街"), ("CBD", 39.9110, 116.4620, "光华路"),
    ("北苑", 40.0300, 116.4300, "北苑路"), ("黄港", 40.0600, 116.5000, "黄港路"),
];

fn chaoyang(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("chaoyang");
    let mut drafts = Vec::new();
    assert_eq!(CHAOYANG_STATIONS_AT.len() as u32, CHAOYANG_STATIONS);
    for &(place, lat, lng, road) in CHAOYANG_STATIONS_AT {
        let centres = [(lat, lng)];
        let roads = [road];
        let area = Area { name: "朝阳区", short: "朝阳", centres: &centres, sigma_km: 0.4, streets: &roads };
        let mut d = draft(&mut g, StationKind::UnionStation, ids.get("chaoyang"), &area, Climate::North, true, 0.7, external_id("BJ", drafts.len() + 1));
        d.input.name = format!("{place}工会服务站暖心驿站");
        d.input.rules.push_str("\n疫情期间本站全部向新就业形态劳动者开放；12351 职工服务热线受理重点群体诉求。");
        drafts.push(d);
    }
    drafts[0].lifecycle = Lifecycle::Open;
    drafts
}

// ---------------------------------------------------------------- Jiaxing and Pinghu

const JIAXING: &[Area] = &[
    Area { name: "南湖区", short: "南湖", centres: &[(30.7470, 120.7600)], sigma_km: 1.0, streets: &["中山路", "禾兴路", "建国路", "勤俭路", "南湖大道", "中环南路"] },
    Area { name: "秀洲区", short: "秀洲", centres: &[(30.7650, 120.7100)], sigma_km: 1.0, streets: &["秀洲路", "洪兴路", "昌盛路", "纺工路"] },
    Area { name: "嘉善县", short: "嘉善", centres: &[(30.8300, 120.9260)], sigma_km: 1.0, streets: &["体育路", "人民大道", "解放路"] },
    Area { name: "海宁市", short: "海宁", centres: &[(30.5100, 120.6800)], sigma_km: 1.0, streets: &["海昌路", "文苑路", "钱江西路"] },
    Area { name: "桐乡市", short: "桐乡", centres: &[(30.6300, 120.5650)], sigma_km: 1.0, streets: &["庆丰路", "振兴路", "校场路"] },
];
const PINGHU: Area = Area {
    name: "平湖市",
    short: "平湖",
    centres: &[(30.6980, 121.0150), (30.6150, 121.0800), (30.6800, 121.0500)],
    sigma_km: 0.8,
    streets: &["胜利路", "当湖路", "新华路", "环城南路", "东湖大道", "三港路", "兴平路", "平善大道"],
};

fn jiaxing(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("jiaxing");
    let mut names = Names::default();
    let mut drafts = Vec::new();
    for n in 0..JIAXING_STATIONS as usize {
        let (key, area) = match n {
            0..=19 => ("jiaxing", g.pick(JIAXING)),
            20..=29 => ("pinghu", &PINGHU),
            _ => ("pinghu-industrial", &PINGHU),
        };
        let kind = kind_from(&mut g, &[(StationKind::UnionStation, 75), (StationKind::RiderStation, 15), (StationKind::PartnerShop, 10)]);
        let mut d = draft(&mut g, kind, ids.get(key), area, Climate::South, true, 0.75, external_id("JX", drafts.len() + 1));
        if n == 20 {
            // 在他的提议下，镇里建起了共享“司机之家”。
            d.input.name = "林埭镇共享“司机之家”".to_owned();
            d.input.kind = StationKind::DriversHome;
            d.input.address = "平湖市林埭镇兴平二路 518 号".to_owned();
            d.input.location = LatLng::new(30.745_210, 121.064_880).expect("a point in Pinghu");
            d.input.hours = OpeningHours::parse("24/7").expect("valid hours");
            d.input.follows_working_calendar = false;
            d.input.amenities = drivers_home_amenities(&mut g, 40);
            d.input.six_haves = all_six();
            d.lifecycle = Lifecycle::Open;
        }
        d.input.name = names.unique(&mut g, d.input.name);
        drafts.push(d);
    }
    drafts
}

fn drivers_home_amenities(g: &mut Gen, car_spaces: u32) -> Amenities {
    let mut a = Amenities::default();
    for amenity in [
        Amenity::DrinkingWater, Amenity::HotWater, Amenity::PhoneCharging, Amenity::Toilet, Amenity::Wifi, Amenity::Meals,
        Amenity::Lodging, Amenity::Shower, Amenity::Laundry, Amenity::FirstAidKit, Amenity::AirConditioning, Amenity::Heating,
    ] {
        add(&mut a, amenity, None);
    }
    add(&mut a, Amenity::CarParking, Some(car_spaces));
    add(&mut a, Amenity::RestSeats, Some(g.range(12, 24)));
    a
}

// ---------------------------------------------------------------- Qinghai

fn dulan(ids: &OrgIds) -> Vec<Draft> {
    let mut g = Gen::new("dulan");
    let mut amenities = drivers_home_amenities(&mut g, 30);
    add(&mut amenities, Amenity::RepairTools, None);
    let (manager_name, manager_phone) = (Some(g.person_name()), Some(g.phone()));
    vec![Draft {
        input: StationDraft {
            name: "巴隆乡“司机之家”".to_owned(),
            kind: StationKind::DriversHome,
            org_id: ids.get("dulan"),
            partner_org_ids: Vec::new(),
            address: "海西蒙古族藏族自治州都兰县巴隆乡 G109 国道旁".to_owned(),
            location: LatLng::new(36.080_000, 97.620_000).expect("a point in Qinghai"),
            hours: OpeningHours::parse("24/7").expect("valid hours"),
            follows_working_calendar: false,
            amenities,
            manager_name,
            manager_phone,
            rules: "总面积 220 平方米，提供停车、食宿、洗衣、沐浴、休闲娱乐等服务；坐标已添加到百度、高德、腾讯地图。\n货车司机凭驾驶证登记入住；停车场内禁止加注燃油。\n职工服务热线：12351。".to_owned(),
            six_haves: all_six(),
            external_id: Some("QH-000001".to_owned()),
        },
        lifecycle: Lifecycle::Open,
        moves: Vec::new(),
    }]
}
