// Name material for tests/bench/gen-students.mjs: the 100 commonest Chinese surnames with their
// approximate population shares, and common given-name characters.
//
// Source of the surname ranking: the Ministry of Public Security's national household-register
// surname ranking released in April 2007 (公安部治安管理局, 全国户籍人口姓氏统计): 王 7.25 %, 李 7.19 %,
// 张 6.83 %; 刘 陈 杨 黄 赵 吴 周 each above 20 million people (> 1.56 %); 徐 孙 马 朱 胡 郭 何 高 林 罗
// 郑 梁 between 10 and 20 million (0.78–1.56 %); the top 100 together 84.77 % of the population.
// The later annual MPS name reports (二〇二〇年全国姓名报告 etc.) keep the same top five. Only ranks
// 1–3 are published percentages; the other shares are approximations that respect the published
// bands and total, good enough for a realistic skew in benchmark data. The generator uses them as
// relative weights (it normalises them), so they need not sum to exactly 84.77.

/** @type {Array<[string, number]>} [surname, approximate share of population in %], by rank. */
export const SURNAMES = [
  ['王', 7.25], ['李', 7.19], ['张', 6.83], ['刘', 5.38], ['陈', 4.53],
  ['杨', 3.08], ['黄', 2.23], ['赵', 2.19], ['吴', 2.05], ['周', 1.96],
  ['徐', 1.45], ['孙', 1.38], ['马', 1.29], ['朱', 1.28], ['胡', 1.27],
  ['郭', 1.15], ['何', 1.13], ['高', 1.10], ['林', 1.06], ['罗', 1.04],
  ['郑', 0.98], ['梁', 0.89], ['谢', 0.74], ['宋', 0.72], ['唐', 0.71],
  ['许', 0.68], ['韩', 0.66], ['冯', 0.64], ['邓', 0.63], ['曹', 0.62],
  ['彭', 0.58], ['曾', 0.57], ['肖', 0.55], ['田', 0.53], ['董', 0.52],
  ['袁', 0.51], ['潘', 0.50], ['于', 0.49], ['蒋', 0.48], ['蔡', 0.47],
  ['余', 0.46], ['杜', 0.45], ['叶', 0.44], ['程', 0.43], ['苏', 0.42],
  ['魏', 0.41], ['吕', 0.40], ['丁', 0.39], ['任', 0.38], ['沈', 0.37],
  ['姚', 0.36], ['卢', 0.35], ['姜', 0.35], ['崔', 0.34], ['钟', 0.34],
  ['谭', 0.33], ['陆', 0.33], ['汪', 0.32], ['范', 0.32], ['金', 0.31],
  ['石', 0.31], ['廖', 0.30], ['贾', 0.30], ['夏', 0.29], ['韦', 0.29],
  ['付', 0.28], ['方', 0.28], ['白', 0.27], ['邹', 0.27], ['孟', 0.26],
  ['熊', 0.26], ['秦', 0.25], ['邱', 0.25], ['江', 0.24], ['尹', 0.24],
  ['薛', 0.23], ['闫', 0.23], ['段', 0.22], ['雷', 0.22], ['侯', 0.22],
  ['龙', 0.21], ['史', 0.21], ['陶', 0.21], ['黎', 0.20], ['贺', 0.20],
  ['顾', 0.20], ['毛', 0.19], ['郝', 0.19], ['龚', 0.19], ['邵', 0.18],
  ['万', 0.18], ['钱', 0.18], ['严', 0.17], ['覃', 0.17], ['武', 0.17],
  ['戴', 0.17], ['莫', 0.16], ['孔', 0.16], ['向', 0.16], ['汤', 0.16],
];

/** Two-character surnames (复姓), drawn rarely so that names with them appear at all. */
export const COMPOUND_SURNAMES = ['欧阳', '上官', '司马', '诸葛', '司徒', '皇甫', '令狐', '慕容'];

/** Given-name characters common for boys (from published lists of frequent given-name characters). */
export const GIVEN_MALE = [...
  '伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙阳晨博文轩睿泽铭哲瑞豪然昊天' +
  '皓宸逸航恒远志宏海东成建峰亮林翔鸿毅诚景轶霖煜奕骏楷锐晟彬坤辰凡丞硕朗尧'];

/** Given-name characters common for girls. */
export const GIVEN_FEMALE = [...
  '芳娜敏静丽艳娟霞秀玲婷雪慧颖琳欣佳怡萱涵梓诗雨可馨悦妍彤琪晴蕾薇倩露瑶菲梦洁月艺紫依若' +
  '汐沐婉舒萌甜蕊琦璐珊妮岚莹媛茜菁琼雅婧楠璇曦歆瑾冰桐萍燕凤红兰'];

/** Given-name characters used for either. */
export const GIVEN_NEUTRAL = [...'子一思嘉安乐心语诺家俊宇晨文佳雨欣梓若书清言永春秋玉子宁涵之'];
