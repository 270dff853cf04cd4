import type { UnitRow } from '../store/org.ts';

/**
 * The demo organisation: the bureau's units named in the regulation (Art. 5), the district
 * bureaus (Art. 6), the groups the BPMN files name as candidate groups, and one sign-in per role.
 */
type UnitSeed = Omit<UnitRow, 'headUserId' | 'contactUserId' | 'active'>;

export const DEMO_UNITS: UnitSeed[] = [
  { id: 'leadership', name: '局领导', kind: 'leadership', parentId: null, sort: 1 },
  { id: 'party-committee', name: '局党委', kind: 'leadership', parentId: null, sort: 2 },
  { id: 'supervision-office', name: '局纪委（监察室）', kind: 'office', parentId: null, sort: 3 },
  { id: 'general-office', name: '办公室', kind: 'office', parentId: null, sort: 4 },
  { id: 'legal-office', name: '政策法规处', kind: 'office', parentId: null, sort: 5 },
  { id: 'engineering-office', name: '工程处', kind: 'office', parentId: null, sort: 6 },
  { id: 'info-centre', name: '指挥信息保障中心', kind: 'unit', parentId: null, sort: 7 },
  { id: 'inspection-brigade', name: '监察大队', kind: 'unit', parentId: null, sort: 8 },
  { id: 'maintenance-office', name: '维管处', kind: 'unit', parentId: null, sort: 9 },
  { id: 'investment-company', name: '民投公司', kind: 'unit', parentId: null, sort: 10 },
  { id: 'vendor', name: '软件公司', kind: 'vendor', parentId: null, sort: 11 },
  { id: 'district-jintan', name: '金坛区民防局', kind: 'district', parentId: null, sort: 20 },
  { id: 'district-liyang', name: '溧阳市民防局', kind: 'district', parentId: null, sort: 21 },
  { id: 'district-wujin', name: '武进区民防局', kind: 'district', parentId: null, sort: 22 },
  { id: 'district-xinbei', name: '新北区民防局', kind: 'district', parentId: null, sort: 23 },
  { id: 'district-tianning', name: '天宁区民防局', kind: 'district', parentId: null, sort: 24 },
  { id: 'district-zhonglou', name: '钟楼区民防局', kind: 'district', parentId: null, sort: 25 },
];

/** The bureau leader in charge (分管局领导) of each office and unit in the demo register. */
export const DEMO_LEADERS: Record<string, string> = {
  'inspection-brigade': 'leader',
  'engineering-office': 'leader',
  'maintenance-office': 'leader',
  'investment-company': 'leader',
  'info-centre': 'leader',
  'general-office': 'leader2',
  'legal-office': 'leader2',
  'supervision-office': 'leader2',
};

/** The demo register's 执法证 holders: the inspection brigade's officers. */
export const DEMO_CERTIFICATES: Record<string, { number: string; scope: string; expires: string }> = {
  staff: { number: '苏执 0400-2023-0101', scope: '人民防空行政执法', expires: '2029-12-31' },
  staff2: { number: '苏执 0400-2023-0102', scope: '人民防空行政执法', expires: '2029-12-31' },
  staff3: { number: '苏执 0400-2024-0103', scope: '人民防空行政执法', expires: '2029-12-31' },
  head: { number: '苏执 0400-2021-0100', scope: '人民防空行政执法', expires: '2029-12-31' },
};

export const DEMO_GROUPS: Array<{ id: string; name: string; description: string }> = [
  { id: 'staff', name: '工作人员', description: '在平台上办理事项的全体工作人员' },
  { id: 'unit-heads', name: '处室负责人', description: '各处室、单位负责人，对本单位网上运行负总责' },
  { id: 'unit-contacts', name: '单位联络员', description: '各单位确定的平台联络员，定期登录并提醒待办（第五条）' },
  { id: 'leaders', name: '分管局领导', description: '审批分管范围内的变更' },
  { id: 'supervision', name: '监察室', description: '牵头、协调、督办、检查；备案；执行数据删除；提出追责意见' },
  { id: 'legal', name: '政策法规处', description: '行政权力事项的法律审核' },
  { id: 'info-centre', name: '指挥信息保障中心', description: '硬件网络与信息安全，受理故障报修' },
  { id: 'vendor', name: '软件公司', description: '按批准的变更调整平台内容和用户权限' },
  { id: 'party-committee', name: '局党委', description: '听取追责意见' },
  { id: 'discipline-committee', name: '局纪委', description: '审议追责意见' },
  { id: 'engineering', name: '工程处', description: '每月向省平台上传数据；自建工程' },
  { id: 'process-owners', name: '流程管理员', description: '编辑流程图和表单并部署新版本' },
  { id: 'district-reporters', name: '辖市（区）报送员', description: '报送辖区权力运行情况（第六条）' },
  { id: 'system-admins', name: '系统管理员', description: '三员分立：系统配置、工作日历、流程部署提交、备份' },
  { id: 'security-admins', name: '安全管理员', description: '三员分立：账号、角色和密码重置（经第九条程序和第二人审批）' },
  { id: 'security-auditors', name: '安全审计员', description: '三员分立：查阅审计日志、登录记录和管理员的操作，不能更改任何内容' },
];

export interface DemoUser {
  id: string;
  displayName: string;
  unitId: string;
  title: string;
  groups: string[];
  /** Head or contact person of their unit. */
  role?: 'head' | 'contact';
}

/** The sign-ins listed in the README; all use the demo password. */
export const DEMO_USERS: DemoUser[] = [
  { id: 'staff', displayName: '张明', unitId: 'inspection-brigade', title: '执法队员', groups: ['staff'], role: 'contact' },
  { id: 'head', displayName: '王建国', unitId: 'inspection-brigade', title: '大队长', groups: ['staff', 'unit-heads'], role: 'head' },
  { id: 'leader', displayName: '陈立新', unitId: 'leadership', title: '分管副局长', groups: ['staff', 'leaders'] },
  { id: 'supervisor', displayName: '刘清', unitId: 'supervision-office', title: '监察室主任', groups: ['staff', 'supervision'], role: 'head' },
  { id: 'legal', displayName: '赵法', unitId: 'legal-office', title: '政策法规处处长', groups: ['staff', 'legal', 'unit-heads'], role: 'head' },
  { id: 'itc', displayName: '孙网', unitId: 'info-centre', title: '信息中心工程师', groups: ['staff', 'info-centre'], role: 'contact' },
  { id: 'vendor', displayName: '周工', unitId: 'vendor', title: '软件公司实施工程师', groups: ['vendor'] },
  { id: 'party', displayName: '吴书记', unitId: 'party-committee', title: '党委书记', groups: ['staff', 'party-committee'] },
  { id: 'discipline', displayName: '郑纪', unitId: 'supervision-office', title: '纪委书记', groups: ['staff', 'discipline-committee'] },
  { id: 'engineer', displayName: '钱工程', unitId: 'engineering-office', title: '工程处科员', groups: ['staff', 'engineering'], role: 'contact' },
  { id: 'owner', displayName: '冯流程', unitId: 'general-office', title: '流程管理员', groups: ['staff', 'process-owners'] },
  // More colleagues, so that separation of duties and group work can be shown.
  { id: 'staff2', displayName: '李娜', unitId: 'inspection-brigade', title: '执法队员', groups: ['staff'] },
  { id: 'staff3', displayName: '黄磊', unitId: 'inspection-brigade', title: '法制员', groups: ['staff'] },
  { id: 'leader2', displayName: '杨帆', unitId: 'leadership', title: '局长', groups: ['staff', 'leaders'] },
  { id: 'supervisor2', displayName: '何静', unitId: 'supervision-office', title: '监察员', groups: ['staff', 'supervision'], role: 'contact' },
  { id: 'maint', displayName: '罗维', unitId: 'maintenance-office', title: '维管处处长', groups: ['staff', 'unit-heads'], role: 'head' },
  { id: 'invest', displayName: '高投', unitId: 'investment-company', title: '民投公司经理', groups: ['staff', 'unit-heads'], role: 'head' },
  { id: 'engineer-head', displayName: '林建', unitId: 'engineering-office', title: '工程处处长', groups: ['staff', 'engineering', 'unit-heads'], role: 'head' },
  { id: 'itc-head', displayName: '马信', unitId: 'info-centre', title: '信息中心主任', groups: ['staff', 'info-centre', 'unit-heads'], role: 'head' },
  { id: 'office-head', displayName: '许文', unitId: 'general-office', title: '办公室主任', groups: ['staff', 'unit-heads'], role: 'head' },
  { id: 'wujin', displayName: '武进报送员', unitId: 'district-wujin', title: '报送员', groups: ['district-reporters'], role: 'contact' },
];
