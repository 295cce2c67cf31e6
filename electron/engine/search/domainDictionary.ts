// Words of security compliance that jieba's general dictionary lacks. Without them its HMM glues neighbours onto them
// ("运维有", "系统对"), and such a token matches nothing. Frequencies are set high enough that jieba prefers the
// whole word; search mode still emits the parts of the longer ones (身份鉴别 → 身份, 鉴别, 身份鉴别).
const WORDS = `
等保 等级保护 等级测评 测评机构 测评对象 测评单元 定级 定级对象 备案 高风险 判例
运维 远程运维 运维管理 运维终端 堡垒机 运维审计
身份鉴别 身份标识 鉴别信息 双因素 多因素 口令 登录失败 非法登录 会话 超时 密码技术 商用密码
访问控制 安全审计 审计记录 入侵防范 恶意代码 可信验证 可信根 数据完整性 数据保密性 数据备份 备份恢复 剩余信息 个人信息
安全物理环境 安全通信网络 安全区域边界 安全计算环境 安全管理中心 安全管理制度 安全管理机构 安全管理人员 安全建设管理 安全运维管理
安全通用要求 安全扩展要求 控制点 边界防护 网络架构 通信传输 集中管控
系统管理员 审计管理员 安全管理员 管理员 人员配备 岗位设置 授权和审批
宿主机 虚拟机 虚拟机监视器 云服务商 云服务客户 云计算平台 镜像 快照
移动互联 移动终端 移动应用 无线接入 物联网 感知节点 感知网关 工业控制系统 工控 现场设备 控制设备
防火墙 网闸 单向隔离 隔离 漏洞 补丁 灾备 异地 容灾 冗余 热冗余 异地备份 实时备份 灾难备份
`;

/** The dictionary in jieba's format (word, frequency, part of speech per line). */
export const DOMAIN_DICTIONARY = new TextEncoder().encode(
  WORDS.split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => `${word} 50000 n`)
    .join('\n'),
);
