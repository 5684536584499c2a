"""Words the mirror builds names, titles and addresses from.

Plain national tables. A region's own words (its districts, towns, division codes and the
forms names and addresses write them in) come from its folder, `mirror.region`; so do the
place words (`MirrorRegion.cue_tokens`) the generator keeps out of every name and address
except the part it placed on purpose, so that the evidence of each organisation is exactly
the evidence its scenario says.
"""

from __future__ import annotations

# GB/T 2260 province codes (the first two digits of a division code).
PROVINCE_CODES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}

# Road names; a region keeps those with none of its place words (mirror.region).
ROAD_NAMES = (
    "科灵路", "嵩山路", "竹园路", "长江路", "金山路", "滨河路", "华山路", "珠江路", "运河路", "向阳路",
    "宝带西路", "友新路", "东环路", "人民路", "干将西路", "十梓街", "养育巷", "南园北路", "新市路", "彩香路",
    "星湖街", "苏虹东路", "现代大道", "星海街", "钟园路", "方洲路", "月亮湾路", "仁爱路", "独墅湖大道", "旺墩路",
    "澄湖路", "宝带东路", "东吴北路", "龙西路", "越湖路", "迎春南路", "团结桥路", "中山南路", "长安路", "苏州河路",
    "前进西路", "萧林路", "祖冲之南路", "马鞍山路", "青阳北路", "黄浦江路", "伟业路", "朝阳路", "白塘路", "春旭路",
    "富春江路", "红枫路", "虞景路", "黄河路", "海虞北路", "沙洲西路", "国泰北路", "港城大道", "暨阳湖路", "上海东路",
    "北京西路", "南京路", "郑和路", "半泾路", "太平南路", "创业路", "工业园路", "科技路", "高新大道", "兴业路",
)

# Other places, with the division code their firms' credit codes carry (a region leaves out its own city).
OUTSIDE_PLACES = (
    ("北京", "北京市海淀区", "110108", ("中关村南大街", "学院路", "北四环西路", "知春路", "上地十街")),
    ("北京", "北京市朝阳区", "110105", ("建国路", "酒仙桥路", "望京街", "东三环中路")),
    ("上海", "上海市浦东新区", "310115", ("张江路", "世纪大道", "金科路", "祖冲之路")),
    ("上海", "上海市闵行区", "310112", ("莘庄工业区春中路", "剑川路", "紫星路")),
    ("杭州", "浙江省杭州市西湖区", "330106", ("文三路", "天目山路", "古墩路", "西溪路")),
    ("杭州", "浙江省杭州市滨江区", "330108", ("江南大道", "网商路", "六和路")),
    ("无锡", "江苏省无锡市滨湖区", "320211", ("蠡湖大道", "梁溪路", "建筑西路")),
    ("南京", "江苏省南京市玄武区", "320102", ("虎踞路", "龙蟠路", "珠江路")),
    ("深圳", "广东省深圳市南山区", "440305", ("科技南十二路", "高新南一道", "深南大道")),
    ("广州", "广东省广州市天河区", "440106", ("林和西路", "珠江东路", "体育东路")),
    ("宁波", "浙江省宁波市鄞州区", "330212", ("天童南路", "首南中路")),
    ("青岛", "山东省青岛市崂山区", "370212", ("海尔路", "株洲路", "松岭路")),
    ("苏州", "江苏省苏州市姑苏区", "320508", ("干将西路", "人民路", "十梓街")),
)

OUTSIDE_NAME_PREFIXES = (
    "杭州", "北京", "上海", "无锡", "南京", "深圳", "广州", "宁波", "青岛", "武汉", "成都",
    "浙江", "山东", "广东", "北京市", "上海市", "杭州市", "苏州",
)

# Neutral two-character firm names: no place in them, alone or next to an industry word.
BRAND_CHARS = "恒瑞博达晟锐德信诺创盛隆鑫汇聚铭宏睿卓凯俊峰骏源晶维佳辉腾立宇致捷永合华科力远泽弘启奥格美拓优鼎群豪正伟友"

INDUSTRIES = (
    "精密机械", "电子科技", "新材料", "生物医药", "智能装备", "纺织", "光电科技", "汽车零部件", "检测技术", "环保科技",
    "半导体", "电梯", "化纤", "食品", "包装材料", "精密模具", "电气", "自动化设备", "医疗器械", "信息技术",
    "软件", "通信技术", "新能源", "照明电器", "涂料", "建材", "家具", "丝绸", "电缆", "阀门",
    "轴承", "光伏科技", "塑胶", "纳米科技", "激光技术", "精细化工", "机器人", "工业技术", "数据科技", "计量仪器",
)
COMPANY_SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司", "有限责任公司")

RESEARCH_FIELDS = (
    "纳米技术与纳米仿生", "生物医学工程技术", "电子信息", "先进制造技术", "纺织科学", "智能制造", "新材料技术",
    "标准化", "环境科学", "检验检测", "质量技术", "工业设计", "轨道交通技术", "光学精密工程", "信息安全",
    "计量测试", "特种设备检验", "食品检验", "医疗器械检验", "电子产品质量",
)
NEUTRAL_FIELDS = (
    "电子技术标准化", "计量科学", "建筑材料科学", "纺织工业", "机械科学", "汽车技术", "标准化", "检验检疫科学",
    "质量认证", "信息通信", "特种设备检测", "食品发酵工业", "轻工业", "化工科学", "船舶工业", "航空综合技术",
    "电器科学", "兵器工业", "铁道科学", "水利水电科学", "农业机械化", "日用化学工业", "仪器仪表", "环境科学",
)

# Place words an attribution could read, beyond a region's own (mirror.region adds those).
OTHER_PLACES = (
    "北京", "上海", "天津", "重庆", "杭州", "苏州", "无锡", "南京", "深圳", "广州", "宁波", "青岛", "武汉", "成都", "西安",
    "常州", "镇江", "扬州", "泰州", "南通", "盐城", "淮安", "宿迁", "连云港", "徐州", "嘉兴", "湖州", "绍兴",
    "金华", "温州", "台州", "丽水", "衢州", "舟山", "合肥", "芜湖", "福州", "厦门", "泉州", "东莞", "佛山",
    "中山", "珠海", "惠州", "大连", "沈阳", "长春", "哈尔滨", "郑州", "长沙", "南昌", "济南", "烟台", "潍坊",
    "昆明", "贵阳", "南宁", "海口", "兰州", "太原", "石家庄", "保定", "唐山", "廊坊", "江阴", "宜兴", "海安",
    "启东", "如皋", "海门", "丹阳", "靖江", "泰兴", "溧阳", "义乌", "瑞安", "永康", "海宁", "慈溪", "余姚",
    "江苏", "浙江", "山东", "广东", "河南", "河北", "湖南", "湖北", "四川", "福建", "安徽", "江西", "山西",
    "陕西", "云南", "贵州", "广西", "海南", "辽宁", "吉林", "黑龙江", "甘肃", "青海", "内蒙古", "宁夏",
    "新疆", "西藏", "台湾", "香港", "澳门",
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯健俊帆帅旭宁龙林欢阳佳晨雪琳晶颖鹏飞"

SPAM = (
    "澳门皇冠赌场_澳门皇冠游戏-投注app官网",
    "澳门新葡京娱乐场_葡京赌场-线上真人开户",
    "威尼斯人娱乐_澳门威尼斯人官网-体育投注app",
    "太阳城集团_太阳城娱乐官网-真人百家乐",
    "皇冠体育投注_皇冠足球比分-365bet官网",
)

# Domains of national standards: ICS, CCS, the committee (归口), the department (主管部门),
# and (title, English title) subjects.
GB_DOMAINS = (
    {
        "ics": "35.240.01", "ics_full": "35_信息技术/35.240_信息技术应用/35.240.01_信息技术应用综合",
        "ccs": "L70", "ta": ("TC28", "全国信息技术标准化技术委员会"), "cd": "国家标准化管理委员会",
        "subjects": (("信息技术 人工智能 机器学习模型", "Information technology—Artificial intelligence—Machine learning models"),
                     ("信息技术 数据质量评价指标", "Information technology—Data quality evaluation indicators"),
                     ("信息技术 云计算 平台服务", "Information technology—Cloud computing—Platform services"),
                     ("信息技术 大数据 数据资产管理", "Information technology—Big data—Data asset management"),
                     ("信息技术 工业互联网平台", "Information technology—Industrial internet platform"),
                     ("信息技术 区块链 存证应用", "Information technology—Blockchain—Evidence preservation")),
    },
    {
        "ics": "59.080.30", "ics_full": "59_纺织和皮革技术/59.080_纺织产品/59.080.30_织物",
        "ccs": "W04", "ta": ("TC209", "全国纺织品标准化技术委员会"), "cd": "中国纺织工业联合会",
        "subjects": (("纺织品 色牢度试验 耐摩擦色牢度", "Textiles—Tests for colour fastness—Colour fastness to rubbing"),
                     ("桑蚕丝织物", "Mulberry silk fabrics"), ("涤纶长丝", "Polyester filament yarn"),
                     ("纺织品 抗病毒性能的测定", "Textiles—Determination of antiviral activity"),
                     ("功能性纺织品 凉感", "Functional textiles—Cool feeling"),
                     ("针织运动服", "Knitted sportswear")),
    },
    {
        "ics": "25.080.01", "ics_full": "25_机械制造/25.080_机床/25.080.01_机床综合",
        "ccs": "J50", "ta": ("TC22", "全国金属切削机床标准化技术委员会"), "cd": "中国机械工业联合会",
        "subjects": (("数控机床 精度检验", "Numerical control machine tools—Test code"),
                     ("加工中心 几何精度检验", "Machining centres—Geometric accuracy test"),
                     ("精密卧式车床", "Precision horizontal lathes"),
                     ("机床 数控系统 通用技术条件", "Machine tools—Numerical control systems—General specification"),
                     ("工业机器人 性能规范", "Industrial robots—Performance criteria")),
    },
    {
        "ics": "97.030", "ics_full": "97_家用和商用设备、文娱、体育/97.030_家用电器综合",
        "ccs": "Y60", "ta": ("TC46", "全国家用电器标准化技术委员会"), "cd": "中国轻工业联合会",
        "subjects": (("家用和类似用途电器的安全 空气净化器的特殊要求", "Household and similar electrical appliances—Safety—Particular requirements for air cleaners"),
                     ("家用电冰箱", "Household refrigerating appliances"), ("房间空气调节器", "Room air conditioners"),
                     ("家用洗碗机", "Household dishwashers"), ("智能家用电器 通用技术要求", "Smart household appliances—General technical requirements")),
    },
    {
        "ics": "97.200.50", "ics_full": "97_家用和商用设备、文娱、体育/97.200_文娱活动设备/97.200.50_玩具",
        "ccs": "Y57", "ta": ("TC253", "全国玩具标准化技术委员会"), "cd": "国家标准化管理委员会",
        "subjects": (("毛绒、布制玩具", "Sewed plush and cloth toys"), ("玩具安全", "Safety of toys"),
                     ("电玩具的安全", "Safety of electric toys"), ("童车安全要求", "Safety requirements for children's vehicles")),
    },
    {
        "ics": "31.080.01", "ics_full": "31_电子学/31.080_半导体器件/31.080.01_半导体器件综合",
        "ccs": "L40", "ta": ("TC78", "全国半导体器件标准化技术委员会"), "cd": "工业和信息化部",
        "subjects": (("半导体器件 集成电路", "Semiconductor devices—Integrated circuits"),
                     ("功率半导体模块", "Power semiconductor modules"), ("MEMS 传感器", "MEMS sensors"),
                     ("碳化硅单晶抛光片", "Polished monocrystalline silicon carbide wafers"),
                     ("硅片表面金属杂质含量", "Metal impurity content on silicon wafer surfaces")),
    },
    {
        "ics": "43.040.10", "ics_full": "43_道路车辆工程/43.040_道路车辆装置/43.040.10_电气和电子设备",
        "ccs": "T35", "ta": ("TC114", "全国汽车标准化技术委员会"), "cd": "工业和信息化部",
        "subjects": (("电动汽车用动力蓄电池", "Traction battery for electric vehicles"),
                     ("电动汽车传导充电用连接装置", "Connection set for conductive charging of electric vehicles"),
                     ("汽车用电子控制单元", "Electronic control units for motor vehicles"),
                     ("智能网联汽车 自动驾驶系统", "Intelligent and connected vehicles—Automated driving systems"),
                     ("电动自行车用锂离子蓄电池", "Lithium-ion batteries for electric bicycles")),
    },
    {
        "ics": "11.040.01", "ics_full": "11_医药卫生技术/11.040_医疗设备/11.040.01_医疗设备综合",
        "ccs": "C30", "ta": ("TC10", "全国医用电器标准化技术委员会"), "cd": "国家药品监督管理局",
        "subjects": (("医用电气设备 基本安全和基本性能", "Medical electrical equipment—Basic safety and essential performance"),
                     ("一次性使用输液器", "Infusion sets for single use"), ("医用防护口罩", "Protective face masks for medical use")),
    },
    {
        "ics": "13.020.01", "ics_full": "13_环保、保健和安全/13.020_环境保护/13.020.01_环境和环境保护综合",
        "ccs": "Z00", "ta": ("TC207", "全国环境管理标准化技术委员会"), "cd": "生态环境部",
        "subjects": (("温室气体排放核算与报告要求", "Requirements of greenhouse gas emissions accounting and reporting"),
                     ("产品碳足迹 量化要求", "Carbon footprint of products—Requirements for quantification"),
                     ("绿色工厂评价通则", "General principles for assessment of green factories"),
                     ("工业废水处理", "Industrial wastewater treatment")),
    },
    {
        "ics": "67.040", "ics_full": "67_食品技术/67.040_食品综合",
        "ccs": "X04", "ta": ("TC64", "全国食品工业标准化技术委员会"), "cd": "中国轻工业联合会",
        "subjects": (("预制菜", "Prepared dishes"), ("食品追溯 信息记录要求", "Food traceability—Information recording requirements"),
                     ("速冻调制食品", "Quick-frozen prepared foods"), ("苏式月饼", "Suzhou-style mooncakes")),
    },
    {
        "ics": "03.120.10", "ics_full": "03_社会学、服务、公司(企业)的组织和管理、行政、运输/03.120_质量/03.120.10_质量管理和质量保证",
        "ccs": "A00", "ta": ("TC151", "全国质量管理和质量保证标准化技术委员会"), "cd": "国家标准化管理委员会",
        "subjects": (("质量管理 顾客满意", "Quality management—Customer satisfaction"),
                     ("卓越绩效评价准则", "Criteria for performance excellence"),
                     ("标准化工作指南", "Guidelines for standardization"), ("企业标准化工作", "Enterprise standardization")),
    },
    {
        "ics": "91.140.90", "ics_full": "91_建筑材料和建筑物/91.140_建筑物中的设施/91.140.90_电梯、自动扶梯",
        "ccs": "Q78", "ta": ("TC196", "全国电梯标准化技术委员会"), "cd": "国家市场监督管理总局",
        "subjects": (("电梯制造与安装安全规范", "Safety rules for the construction and installation of lifts"),
                     ("自动扶梯和自动人行道", "Escalators and moving walks"), ("电梯远程监测系统", "Remote monitoring systems for lifts")),
    },
    {
        "ics": "27.160", "ics_full": "27_能源和热传导工程/27.160_太阳能工程",
        "ccs": "F12", "ta": ("TC90", "全国太阳光伏能源系统标准化技术委员会"), "cd": "中国电器工业协会",
        "subjects": (("光伏组件", "Photovoltaic modules"), ("光伏发电系统 并网逆变器", "Photovoltaic power systems—Grid-connected inverters"),
                     ("晶体硅光伏组件用背板", "Backsheets for crystalline silicon photovoltaic modules")),
    },
)

# Industry standards: prefix → (label, sector, 主管部门, committee, subjects).
HB_DOMAINS = {
    "JT/T": ("JT 交通", "交通运输", "交通运输部", "全国道路运输标准化技术委员会",
             (("营运客车安全技术条件", "Safety specifications for commercial passenger vehicles"), ("道路运输车辆卫星定位系统", "Satellite positioning system for road transport vehicles"),
              ("公路桥梁伸缩装置", "Expansion joints for highway bridges"), ("城市公共汽电车", "Urban buses and trolleybuses"))),
    "QB/T": ("QB 轻工", "轻工", "中国轻工业联合会", "全国日用五金标准化技术委员会",
             (("不锈钢厨具", "Stainless steel kitchenware"), ("自行车 电动自行车", "Bicycles—Electric bicycles"),
              ("皮革 物理和机械试验", "Leather—Physical and mechanical tests"), ("家具用木制零件", "Wooden components for furniture"))),
    "YY/T": ("YY 医药", "医药", "国家药品监督管理局", "全国医用电器标准化技术委员会",
             (("医用超声诊断设备", "Medical ultrasonic diagnostic equipment"), ("一次性使用无菌注射器", "Sterile hypodermic syringes for single use"),
              ("医用内窥镜", "Medical endoscopes"))),
    "HG/T": ("HG 化工", "化工", "工业和信息化部", "全国涂料和颜料标准化技术委员会",
             (("水性工业涂料", "Waterborne industrial coatings"), ("橡胶密封件", "Rubber seals"), ("工业用氢氧化钠", "Sodium hydroxide for industrial use"))),
    "SJ/T": ("SJ 电子", "电子", "工业和信息化部", "全国电子设备用高频电缆及连接器标准化技术委员会",
             (("印制电路板", "Printed boards"), ("射频同轴连接器", "Radio frequency coaxial connectors"), ("LED 显示屏", "LED display screens"))),
    "JB/T": ("JB 机械", "机械", "中国机械工业联合会", "全国液压气动标准化技术委员会",
             (("液压缸", "Hydraulic cylinders"), ("滚动轴承 精密机床主轴轴承", "Rolling bearings—Spindle bearings for precision machine tools"),
              ("工业机器人 通用技术条件", "Industrial robots—General specification"), ("阀门 检验与试验", "Valves—Inspection and testing"))),
    "NY/T": ("NY 农业", "农业", "农业农村部", "全国农业机械标准化技术委员会",
             (("绿色食品 水产品", "Green food—Aquatic products"), ("稻米品质测定", "Determination of rice quality"), ("大闸蟹养殖技术规范", "Technical code for mitten crab farming"))),
    "YD/T": ("YD 通信", "通信", "工业和信息化部", "中国通信标准化协会",
             (("5G 移动通信网 核心网", "5G mobile network—Core network"), ("数据中心 能效", "Data centre energy efficiency"), ("光纤到户", "Fibre to the home"))),
    "GA/T": ("GA 公共安全", "公共安全", "公安部", "全国安全防范报警系统标准化技术委员会",
             (("视频监控系统", "Video surveillance systems"), ("防盗安全门", "Burglary-resistant safety doors"), ("消防应急照明", "Fire emergency lighting"))),
    "CY/T": ("CY 新闻出版", "新闻出版", "国家新闻出版署", "全国新闻出版标准化技术委员会",
             (("出版物 数字版权", "Publications—Digital rights"), ("中文出版物夹用英文的编辑规范", "Specification for editing English in Chinese publications"), ("印刷品质量检验", "Inspection of printed matter quality"))),
}

ASPECTS = (
    ("技术规范", "Technical specification"), ("通用技术条件", "General technical requirements"), ("试验方法", "Test methods"),
    ("安全要求", "Safety requirements"), ("术语", "Terminology"), ("检测方法", "Detection methods"),
    ("评价指南", "Guidelines for evaluation"), ("分类与代码", "Classification and codes"), ("测量方法", "Measurement methods"),
    ("性能要求", "Performance requirements"), ("检验规则", "Inspection rules"), ("技术要求", "Technical requirements"),
    ("能效限定值及能效等级", "Minimum allowable values of energy efficiency and energy efficiency grades"),
    ("数据接口", "Data interface"), ("可靠性试验", "Reliability testing"),
)

STD_TYPES = ("产品", "方法", "基础", "管理", "安全", "环保", "卫生", "其他")

# ICS and CCS printed on industry standards, per prefix.
HB_CLASS = {
    "JT/T": ("03.220.20", "R06"), "QB/T": ("97.040.60", "Y61"), "YY/T": ("11.040.55", "C41"),
    "HG/T": ("87.040", "G51"), "SJ/T": ("31.180", "L30"), "JB/T": ("23.100.20", "J20"),
    "NY/T": ("67.060", "B22"), "YD/T": ("33.040.40", "M32"), "GA/T": ("13.310", "A91"),
    "CY/T": ("01.140.40", "A19"),
}


# -- the other registries (mirror.registries) -------------------------------------------------------

# Jiangsu's prefecture-level cities: (short name, city, DB code, [(division code, district)]).
JIANGSU_CITIES = (
    ("南京", "南京市", "3201", (("320102", "玄武区"), ("320104", "秦淮区"), ("320105", "建邺区"), ("320106", "鼓楼区"),
                              ("320113", "栖霞区"), ("320115", "江宁区"))),
    ("无锡", "无锡市", "3202", (("320211", "滨湖区"), ("320213", "梁溪区"), ("320214", "新吴区"), ("320281", "江阴市"),
                              ("320282", "宜兴市"))),
    ("徐州", "徐州市", "3203", (("320302", "鼓楼区"), ("320311", "泉山区"))),
    ("常州", "常州市", "3204", (("320402", "天宁区"), ("320404", "钟楼区"), ("320411", "新北区"), ("320412", "武进区"))),
    ("南通", "南通市", "3206", (("320613", "崇川区"), ("320612", "通州区"))),
    ("连云港", "连云港市", "3207", (("320706", "海州区"),)),
    ("淮安", "淮安市", "3208", (("320812", "清江浦区"),)),
    ("盐城", "盐城市", "3209", (("320902", "亭湖区"),)),
    ("扬州", "扬州市", "3210", (("321002", "广陵区"), ("321003", "邗江区"))),
    ("镇江", "镇江市", "3211", (("321102", "京口区"), ("321112", "丹徒区"))),
    ("泰州", "泰州市", "3212", (("321202", "海陵区"),)),
    ("宿迁", "宿迁市", "3213", (("321302", "宿城区"),)),
    ("苏州", "苏州市", "3205", (("320508", "姑苏区"), ("320505", "虎丘区"), ("320506", "吴中区"), ("320583", "昆山市"),
                              ("320581", "常熟市"))),
)
# Weight of each of those cities among Jiangsu organisations outside the region (which leaves out its own).
JIANGSU_CITY_WEIGHTS = (22, 18, 5, 12, 10, 3, 3, 4, 6, 5, 5, 2, 22)

# Other provinces' local standards: (province, DB code, dbba ministry code, a city, its DB code, regulator).
OTHER_PROVINCES = (
    ("浙江省", "33", "zjzjj", "杭州市", "3301", "浙江省市场监督管理局"),
    ("上海市", "31", "shzjj", "", "", "上海市市场监督管理局"),
    ("广东省", "44", "gdzjj", "深圳市", "4403", "广东省市场监督管理局"),
    ("山东省", "37", "sdzjj", "青岛市", "3702", "山东省市场监督管理局"),
    ("安徽省", "34", "ahzjj", "合肥市", "3401", "安徽省市场监督管理局"),
    ("陕西省", "61", "sxzjj61", "延安市", "6106", "陕西省市场监督管理局"),
)
# Provinces as ttbz's getProvince lists them.
PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市",
    "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)
# Where associations registered outside Jiangsu sit: (province, name prefix, address prefix, division code).
ASSOCIATION_PLACES = (
    ("北京市", "北京市", "北京市海淀区", "110108"), ("上海市", "上海市", "上海市浦东新区", "310115"),
    ("浙江省", "浙江省", "浙江省杭州市西湖区", "330106"), ("广东省", "广东省", "广东省广州市天河区", "440106"),
    ("山东省", "山东省", "山东省青岛市崂山区", "370212"),
)

LOCAL_SUBJECTS = (
    "苏式糕点生产", "古典园林养护", "智慧社区建设", "养老机构服务质量", "河湖长制工作", "农村生活污水处理设施运行维护",
    "水产养殖尾水排放", "大闸蟹生态养殖", "碧螺春茶加工", "刺绣技艺传承基地建设", "政务服务事项办理", "公共数据共享交换",
    "智能制造 工业互联网平台 数据采集", "城市道路照明设施管理", "电梯维护保养", "农产品冷链物流", "地下管线探测",
    "建筑垃圾资源化利用", "绿色建筑评价", "海绵城市建设", "中小学校食堂管理", "餐饮服务食品安全操作", "旅游民宿服务质量",
    "水稻机插秧", "设施蔬菜生产", "生态河道建设", "工业企业循环化改造", "企业首席质量官管理", "知识产权服务",
    "标准化良好行为企业评价", "老旧小区改造", "既有住宅加装电梯", "居家养老上门服务", "社区嵌入式托育服务",
    "公共场所无障碍设施", "城市轨道交通运营服务", "新能源汽车充电设施运营", "小微企业质量管理体系",
)
LOCAL_ASPECTS = ("技术规范", "管理规范", "服务规范", "建设指南", "评价规范", "操作规程", "技术规程", "通用要求")
LOCAL_CCS = ("A16", "B05", "C52", "P04", "Z10", "J07", "X04", "Q10", "R85", "A12")

ASSOCIATION_FIELDS = (
    "智能制造", "电子信息", "新材料", "生物医药", "纺织服装", "丝绸", "精密机械", "软件", "光伏", "检验检测",
    "质量", "标准化", "电梯", "医疗器械", "半导体", "汽车零部件", "物流", "食品", "环保产业", "建筑业",
    "信息化", "机器人", "数字经济", "人工智能", "集成电路", "模具", "纳米技术", "轨道交通", "节能", "家具",
    "化纤", "照明", "仪器仪表", "电线电缆", "工业互联网", "绿色建材", "冷链物流", "跨境电商", "养老服务", "品牌建设",
)
ASSOCIATION_SUFFIXES = ("行业协会", "协会", "学会", "商会", "促进会", "产业联盟", "产业技术创新战略联盟")

ENTERPRISE_PRODUCTS = (
    "精密轴承", "不锈钢管件", "电力电缆", "光伏组件", "锂离子电池", "LED 灯具", "塑料包装袋", "医用口罩", "丝绸面料",
    "针织服装", "速冻食品", "苏式月饼", "智能门锁", "工业机器人", "数控机床", "电梯导轨", "液压阀", "瓦楞纸箱",
    "实木家具", "水性涂料", "电子元器件", "印制电路板", "连接器", "压力传感器", "空气净化器", "电动自行车",
    "太阳能热水器", "净水器", "涤纶长丝", "木质门", "精密模具", "铝合金型材", "注塑件", "汽车线束", "电源适配器",
)
ENTERPRISE_ASPECTS = ("", "", "企业标准", "技术条件", "产品标准", "技术要求")

# Technical committees: (field, English field, international counterpart) for TC/SC/WG names.
TC_FIELDS = (
    ("纳米技术", "Nanotechnology", "ISO/TC 229"), ("丝绸", "Silk", ""), ("电梯", "Lifts and escalators", "ISO/TC 178"),
    ("智能制造系统", "Smart manufacturing systems", "IEC/TC 65"), ("工业过程测量控制和自动化", "Industrial-process measurement, control and automation", "IEC/TC 65"),
    ("光伏", "Photovoltaics", "IEC/TC 82"), ("微机电", "Micro-electromechanical systems", "IEC/TC 47"),
    ("纺织机械与附件", "Textile machinery and accessories", "ISO/TC 72"), ("轻型汽车", "Light vehicles", "ISO/TC 22"),
    ("医用光学和仪器", "Medical optics and instruments", "ISO/TC 172"), ("生物芯片", "Biochips", ""),
    ("电子设备用机电元件", "Electromechanical components for electronic equipment", "IEC/TC 48"),
    ("家用电器", "Household appliances", "IEC/TC 59"), ("信息技术服务", "IT services", "ISO/IEC JTC 1"),
    ("服务标准化", "Service standardization", ""), ("绿色制造", "Green manufacturing", ""), ("化学纤维", "Man-made fibres", "ISO/TC 38"),
    ("工业机器人", "Industrial robots", "ISO/TC 299"), ("电力电缆", "Power cables", "IEC/TC 20"), ("半导体设备", "Semiconductor equipment", "IEC/TC 47"),
    ("集成电路", "Integrated circuits", "IEC/TC 47"), ("精密机械", "Precision machinery", "ISO/TC 39"),
    ("新型显示", "New displays", "IEC/TC 110"), ("锂离子电池", "Lithium-ion batteries", "IEC/TC 21"),
    ("检验检测", "Testing and inspection", "ISO/CASCO"), ("智慧城市", "Smart cities", "ISO/TC 268"),
    ("物流信息", "Logistics information", "ISO/TC 204"), ("环境监测仪器", "Environmental monitoring instruments", "ISO/TC 146"),
    ("船舶舾装", "Ship outfitting", "ISO/TC 8"), ("园林绿化", "Landscaping", ""), ("养老服务", "Elderly care services", "ISO/TC 314"),
    ("茶叶", "Tea", "ISO/TC 34/SC 8"), ("水产品加工", "Aquatic product processing", "ISO/TC 234"), ("印刷", "Printing", "ISO/TC 130"),
    ("汽车电子", "Automotive electronics", "ISO/TC 22/SC 32"), ("数据中心", "Data centres", "ISO/IEC JTC 1/SC 39"),
    ("工业互联网", "Industrial internet", ""), ("文化遗产保护", "Cultural heritage conservation", "ISO/TC 46"),
    ("建筑幕墙", "Curtain walls", "ISO/TC 59"), ("压力容器", "Pressure vessels", "ISO/TC 11"),
)
TC_UNIT_KINDS = ("研究院", "研究所", "技术研究院", "检验检测中心", "质量监督检验中心", "标准化研究院")


# The default region's tables under the names readers that name no region use (mirror.region).
_DEFAULT_REGION_TABLES = {"DISTRICTS": "districts", "CURRENT_CODE": "current_code",
                          "HISTORICAL_CODE": "historical_code", "GAZETTEER_TOWNS": "gazetteer_towns"}


def __getattr__(name: str):
    if name in _DEFAULT_REGION_TABLES:
        from mirror.region import DEFAULT_REGION, load_region  # noqa: PLC0415 - mirror.region reads this module

        return getattr(load_region(DEFAULT_REGION), _DEFAULT_REGION_TABLES[name])
    raise AttributeError(f"module 'mirror.vocab' has no attribute {name!r}")
