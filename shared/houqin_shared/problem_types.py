"""The catalogue of problem types: every problem+json answer of the APIs names one of these.

A type is `https://houqin.dev/problems/<slug>`; its slug never changes once published. Each has
its HTTP status and a short title in zh-CN and English telling the user what happened and, where
possible, what to do next. Clients (the console first) show `title_of(type, lang)` and keep the
`detail` (English, for developers) out of sight. docs/problems.md is generated from this file
(`uv run python -m houqin_shared.problem_types > docs/problems.md`); a test keeps it in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PREFIX = "https://houqin.dev/problems/"
Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    zh: str
    en: str

    @property
    def uri(self) -> str:
        return PREFIX + self.slug

    def title(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


P = ProblemType
# fmt: off
_PLATFORM = (
    P("validation", 422, "填写的内容有误，请按各项提示修改", "Some fields are not valid: correct each one as shown"),
    P("value-not-storable", 422, "有内容无法保存（例如含有不允许的字符），请修改后重试", "A value cannot be stored (for example a forbidden character): change it and retry"),
    P("bad-request", 400, "请求格式有误", "The request is malformed"),
    P("http-error", 400, "请求未能完成", "The request could not be completed"),
    P("route-not-found", 404, "该地址不存在", "There is nothing at this address"),
    P("method-not-allowed", 405, "该地址不支持此操作", "This address does not allow this method"),
    P("content-too-large", 413, "提交的内容过大，请减少后重试", "The request is too large: send less"),
    P("uri-too-long", 414, "查询条件过长，请减少后重试", "The query is too long: shorten it"),
    P("headers-too-large", 431, "请求头过大", "The request headers are too large"),
    P("internal-error", 500, "服务出错了，请稍后重试", "Something went wrong on our side: try again later"),
    P("database-unavailable", 503, "服务暂时不可用，请稍后重试", "The service is briefly unavailable: try again in a moment"),
    P("overloaded", 503, "服务繁忙，请稍后重试", "The service is busy: try again in a moment"),
    P("identity-unavailable", 503, "登录服务暂时不可用，请稍后重试", "The sign-in service is unavailable: try again shortly"),
    P("token-missing", 401, "请先登录", "Please sign in"),
    P("token-invalid", 401, "登录信息无效，请重新登录", "Your sign-in is not valid: sign in again"),
    P("token-expired", 401, "登录已过期，请重新登录", "Your sign-in has expired: sign in again"),
    P("role-required", 403, "你的账号没有执行此操作的权限", "Your account may not do this"),
    P("rate-limited", 429, "操作太频繁，请稍后再试", "Too many requests: wait a moment and try again"),
    P("idempotency-key-reused", 422, "该请求编号已用于另一份内容，请刷新后重新提交", "This Idempotency-Key was used for a different request: reload and submit again"),
    P("demo-user-not-found", 404, "没有这个演示用户", "There is no such demo user"),
    P("dead-letter-not-found", 404, "找不到该死信事件（可能已过保留期），请刷新列表", "No such dead-lettered event (it may have expired): reload the list"),
    P("dead-letter-range-invalid", 422, "开始时间须早于结束时间", "The start of the time range must be before its end"),
    P("dead-letters-unavailable", 503, "暂时无法读取死信队列，请稍后重试", "The dead-letter topic cannot be read now: try again shortly"),
)
_FEEDBACK = (
    P("report-not-found", 404, "找不到该报修（或你无权查看），请核对编号", "No such report that you may see: check the tracking number"),
    P("track-not-found", 404, "编号或查询码不正确，请核对后重试", "No report with this tracking number and access code: check both"),
    P("report-refused", 422, "该报修无法受理，请按说明修改", "The report cannot be accepted: change it as described"),
    P("report-retry", 409, "报修未能保存，请重新提交", "The report could not be saved: submit it again"),
    P("category-unknown", 422, "服务目录中没有该类别，请重新选择", "That category is not in the service catalogue: choose another"),
    P("service-not-found", 404, "服务目录中没有该服务", "No such service in the catalogue"),
    P("channel-front-desk-only", 422, "该渠道的报修只能由前台录入", "Reports from this channel are entered by the front desk"),
    P("on-behalf-front-desk-only", 422, "只有前台可以代他人报修", "Only the front desk files reports on someone's behalf"),
    P("channel-external-service-only", 422, "external 渠道仅供其他校园系统使用", "Channel external is for other campus systems"),
    P("origin-required", 422, "请注明来源（意见箱、接待日或巡查）", "Say where the report came from (box, reception day or round)"),
    P("origin-offline-only", 422, "只有线下渠道的报修才填写来源", "Only offline channels give an origin"),
    P("origin-session-unknown", 422, "来源须为已登记的接待日场次", "A reception day report's origin must be the id of its session"),
    P("reception-session-not-found", 404, "找不到该接待日场次", "No such reception day session"),
    P("coordinates-incomplete", 422, "经度和纬度需同时提供", "Give latitude and longitude together"),
    P("board-period-invalid", 422, "请给出带时区的起止时间，结束晚于开始，相隔不超过一年", "Give start and end with a time zone, end after start, at most a year apart"),
    P("report-not-anonymous", 409, "该报修不是匿名报修", "This report is not anonymous"),
    P("photo-too-large", 413, "照片太大，请压缩后重试", "The photo is too large: send a smaller one"),
    P("photo-type", 415, "只支持 JPEG、PNG 或 WebP 格式的照片", "Photos must be JPEG, PNG or WebP images"),
    P("too-many-photos", 422, "照片数量已达上限", "This report has as many photos as allowed"),
    P("photo-add-forbidden", 403, "只有报修人、前台或督查可以添加照片", "Only the reporter, the front desk or a supervisor adds photos"),
    P("photo-not-found", 404, "找不到该照片", "No such photo"),
    P("photo-original-forbidden", 403, "只有报修人和承办人员可以查看原图", "Only the reporter and the assigned staff fetch the original photo"),
    P("photos-refused", 422, "只能附上你自己上传、尚未用于其他报修的照片", "Attach only your own uploads that are not on another report"),
    P("photo-quota-count", 429, "未使用的照片太多，请先提交报修或稍后再传", "Too many photos not yet on a report: file your report first, or wait"),
    P("photo-quota-bytes", 413, "未使用的照片总量已达上限，请先提交报修或稍后再传", "Your photos not yet on a report take too much space: file your report first, or wait"),
    P("open311-too-many-ids", 400, "一次查询的编号过多，请分批查询", "Too many service_request_id values at once: ask in smaller batches"),
    P("audience-scope-required", 403, "该客户端无权读取报修的通知对象", "This client may not read who follows a report"),
    P("me-too-own-report", 409, "这是你自己的报修", "This is your own report"),
    P("report-closed", 409, "该报修已经结束", "This report is already closed"),
    P("me-too-use-primary", 409, "请在该问题的主报修上表示“我也遇到”", "Add your voice to the group's primary report instead"),
    P("duplicate-target-unknown", 422, "要合并到的报修不存在，请核对编号", "The report to link to does not exist: check it"),
    P("duplicate-of-itself", 409, "报修不能与自身合并", "A report cannot duplicate itself"),
    P("duplicate-category-differs", 409, "只有同一类别的报修才能合并", "Only reports of the same category are duplicates"),
    P("duplicate-link-to-primary", 409, "请合并到该组的主报修", "Link to the primary report of that group instead"),
    P("duplicate-already-linked", 409, "该报修已经合并过", "This report is already linked"),
    P("reporter-only", 403, "只有报修人本人可以操作", "Only the reporter can do this"),
    P("no-explanation-waiting", 409, "没有需要你回复的说明", "There is no explanation waiting for your answer"),
    P("confirmation-not-waiting", 409, "该报修当前无需确认（尚未处理完，或已确认）", "This report is not waiting for confirmation (not resolved, or already answered)"),
    P("rating-own-work", 403, "不能评价自己处理的工作", "Nobody rates their own work"),
    P("public-reply-forbidden", 403, "只有该班组组长、部门负责人或质量监督人员可以公示答复", "Only the team lead, the department head or a supervisor publishes its reply"),
    P("public-reply-not-public", 409, "只有公开服务的实名建议或咨询可以公示答复", "Only a named suggestion or consultation about a public service has its reply published"),
    P("public-reply-not-answered", 409, "答复后才能公示", "Publish a reply once it has been answered"),
    P("rating-own-team", 403, "不能确认或评价本班组（本部门）处理的工作，到期将自动确认", "Nobody confirms or rates their own team's or department's work; it is confirmed automatically in time"),
    P("rating-before-resolved", 409, "处理完成后才能评价", "A report can be rated once it has been resolved"),
    P("rating-already-given", 409, "你已经评价过该报修", "You have already rated this report"),
    P("rating-not-found", 404, "你还没有评价该报修", "You have not rated this report"),
    P("survey-not-found", 404, "找不到该测评", "No such survey"),
    P("survey-closed", 409, "该测评已结束", "The survey is closed"),
    P("survey-link-not-found", 404, "测评链接无效", "This survey link is not valid"),
    P("survey-link-used", 409, "该测评链接已经使用过", "This survey link has already been used"),
    P("survey-answer-invalid", 422, "答卷不符合要求，请检查后重新提交", "The answers do not fit the survey: check them and submit again"),
    P("ballot-not-found", 404, "找不到该投票", "No such ballot"),
    P("vote-reporters-only", 403, "只有师生可以投票", "Only teachers and students vote"),
    P("voting-not-open", 409, "投票尚未开始", "Voting has not opened yet"),
    P("voting-closed", 409, "投票已经结束", "Voting has closed"),
    P("vote-option-unknown", 422, "所选对象不在本次投票中", "That choice is not on this ballot"),
    P("vote-already-cast", 409, "你已经投过票了", "You have already voted in this ballot"),
)
_TICKETS = (
    P("ticket-not-found", 404, "找不到该工单", "No such ticket"),
    P("ticket-read-forbidden", 403, "你无权查看该工单", "You may not read this ticket"),
    P("ticket-act-forbidden", 403, "只有处理人、班组长、部门负责人或督查可以处理该工单", "Only the assignee, the team lead, the department head or a supervisor acts on this ticket"),
    P("ticket-transition-invalid", 409, "工单当前状态不允许此操作，请刷新后查看", "The ticket's state does not allow this: reload it"),
    P("ticket-note-required", 422, "请填写说明", "Write a note (a reply, an explanation or a reason)"),
    P("ticket-action-not-for-track", 409, "投诉、建议和咨询工单没有此处理步骤（如到场、暂停）", "Complaint, suggestion and consultation tickets have no such step (such as on site or pause)"),
    P("complaint-outcome-required", 422, "答复投诉时请选择调查结论：属实、部分属实或不属实", "Answering a complaint needs an outcome: upheld, partly upheld or not upheld"),
    P("ticket-outcome-not-for-track", 422, "只有投诉工单需要调查结论", "Only a complaint ticket takes an outcome"),
    P("assignee-in-another-department", 409, "此人属于其他部门：请改用转单，由对方部门接收", "This person works in another department: transfer the ticket so that department takes it"),
    P("complaint-kept-from-team", 409, "投诉只交给部门负责人或质量督查，不能交给班组或被投诉班组的成员", "A complaint goes to a department head or a quality supervisor, never to a team or a member of the team complained about"),
    P("ticket-assign-forbidden", 403, "只有班组长、部门负责人或督查可以派单", "Only the team lead, the department head or a supervisor assigns"),
    P("ticket-not-reassignable", 409, "该工单当前状态不能改派", "A ticket in this state cannot be reassigned"),
    P("ticket-not-transferable", 409, "该工单当前状态不能转派", "A ticket in this state cannot be transferred"),
    P("ticket-decide-forbidden", 403, "只有班组长、部门负责人或督查可以按“不能办理”办结", "Only the team lead, the department head or a supervisor closes a ticket as cannot be done"),
    P("pause-reason-required", 422, "暂停请选择原因：等待配件、报修人不在或外包单位处理", "A pause needs a reason: waiting for parts, reporter absent or outside contractor"),
    P("pause-too-long", 403, "暂停时间超过规定上限，更长的暂停须由班组长批准", "The pause is longer than the rules allow; a longer pause needs the team lead"),
    P("pause-request-not-found", 404, "找不到该暂停申请", "No such pause request"),
    P("pause-request-not-pending", 409, "该暂停申请已处理，请刷新后查看", "This pause request has already been decided: reload it"),
    P("pause-request-pending-exists", 409, "该工单已有待批准的暂停申请", "This ticket already has a pause request waiting for approval"),
    P("pause-approve-forbidden", 403, "只有班组长、部门负责人或督查可以批准暂停", "Only the team lead, the department head or a supervisor approves a pause"),
    P("reason-accept-supervisors-only", 403, "只有质量督查可以认可不能办理的理由", "Only a quality supervisor accepts the reason a ticket could not be done"),
    P("ticket-not-cannot-be-done", 409, "该工单不是按“不能办理”办结的", "This ticket was not closed as cannot be done"),
    P("ticket-reason-accepted", 409, "不能办理的理由已被认可", "The reason is already accepted"),
    P("staff-unknown", 422, "没有这位员工，请重新选择", "No such staff member: choose another"),
    P("building-not-found", 404, "找不到该楼宇", "No such building"),
    P("staff-not-found", 404, "找不到该员工", "No such staff member"),
    P("staff-manage-forbidden", 403, "你不管理该员工所在的班组或部门", "You do not manage this person's team or department"),
    P("leave-not-found", 404, "找不到该请假记录", "No such leave"),
    P("post-not-found", 404, "找不到该岗位", "No such post"),
    P("post-in-use", 409, "责任区域仍指派到该岗位，请先改派这些区域", "The area map still sends work to this post: assign those areas elsewhere first"),
    P("responsibility-not-found", 404, "责任区域中没有这一项", "No such assignment in the area map"),
    P("team-not-found", 404, "找不到该班组", "No such team"),
    P("team-in-use", 409, "仍有人员、岗位、责任区域或工单记录属于该班组，不能删除", "People, posts, the area map or tickets still name this team: it cannot be removed"),
    P("department-not-found", 404, "找不到该科室", "No such department"),
    P("department-in-use", 409, "仍有班组、人员、服务或工单记录属于该科室，不能删除", "Teams, people, services or tickets still name this department: it cannot be removed"),
    P("unit-required", 422, "请选择班组或部门", "Choose a team or a department"),
    P("unit-unknown", 422, "没有该班组或部门，请重新选择", "No such team or department: choose another"),
    P("team-required", 422, "请选择班组", "Choose a team"),
    P("transfer-destination-required", 422, "请选择转派到的班组或部门", "Choose the team or department to transfer to"),
    P("transfer-same-place", 409, "工单已经在该班组或部门", "The ticket is already there"),
    P("transfer-pending-exists", 409, "该工单已有待答复的转派", "This ticket already has a transfer waiting for an answer"),
    P("transfer-not-found", 404, "找不到该转派", "No such transfer"),
    P("transfer-decide-forbidden", 403, "只有接收方的班组长、部门负责人或督查可以答复转派", "Only the receiving team's lead, department head or a supervisor decides"),
    P("transfer-not-pending", 409, "该转派已经答复过", "This transfer has already been answered"),
    P("transfer-reason-required", 422, "拒绝转派时请说明原因", "Say why the transfer is rejected"),
    P("queue-read-forbidden", 403, "你只能查看本班组（部门负责人：本部门）的队列", "You may read your own team's queue (a department head: the department's teams')"),
    P("overdue-read-forbidden", 403, "超时清单仅供督查、领导和部门负责人查看", "The overdue list is for supervisors, leaders and department heads"),
    P("deadline-timezone-required", 422, "请给出带时区的截止时间", "Give the deadline with a time zone"),
    P("deadline-past", 422, "截止时间已过，请重新选择", "The deadline has passed: choose a later one"),
    P("rectification-not-found", 404, "找不到该整改事项", "No such rectification item"),
    P("recurring-problem-not-found", 404, "找不到该重复问题", "No such recurring problem"),
    P("recurring-problem-forbidden", 403, "只有该班组长、部门负责人或质量监督员可以处理该重复问题", "Only the team's lead, the department's head or a quality supervisor may acknowledge this recurring problem"),
    P("recurring-problem-acknowledged", 409, "该重复问题已经确认过，再次发生时会重新提醒", "This recurring problem is already acknowledged; it is raised again if it comes back"),
    P("rectification-read-forbidden", 403, "你无权查看该整改事项", "You may not read this rectification item"),
    P("rectification-list-forbidden", 403, "你只能查看本班组或本部门的整改事项", "You may list your own team's or department's items"),
    P("rectification-own-department", 403, "部门负责人只能为本部门提出整改事项", "Department heads raise items for their own department"),
    P("rectification-note-forbidden", 403, "只有责任人、其班组长或部门负责人、督查可以填写进展", "Only the responsible person, their lead or head, or a supervisor add progress"),
    P("rectification-accepted", 409, "该整改事项已经验收", "The item is already accepted"),
    P("acceptance-supervisors-only", 403, "验收仅由质量督查进行", "Acceptance (验收) is for quality supervisors"),
    P("acceptance-reason-required", 422, "验收不通过时请说明原因并给出新的截止时间", "A failed acceptance says why and until when"),
    P("inspection-not-found", 404, "找不到该检查记录", "No such inspection"),
    P("incident-not-found", 404, "找不到该事件", "No such incident"),
    P("incident-in-future", 422, "发生时间不能晚于现在", "The incident cannot have happened in the future"),
    P("incident-appeal-forbidden", 403, "只有相关单位可以申诉", "Only the unit concerned appeals"),
    P("incident-not-appealable", 409, "该事件当前状态不能申诉", "An incident in this state cannot be appealed"),
    P("incident-not-appealed", 409, "该事件没有待裁决的申诉", "This incident has no appeal to decide"),
    P("directory-invalid", 422, "组织目录文件有误，请按提示修改", "The directory document is not valid: correct it as shown"),
    P("directory-unreadable", 422, "无法读取组织目录文件（应为 JSON、YAML 或 CSV）", "The directory document cannot be read (JSON, YAML or CSV expected)"),
    P("directory-unresolved", 422, "组织目录中有无法对应的引用", "The directory refers to something it does not contain"),
)
_SCORING = (
    P("campaign-not-found", 404, "找不到该考核活动", "No such campaign"),
    P("campaign-published", 409, "考核结果已公示，不能再修改", "The campaign's results are published (公示) and can no longer change"),
    P("work-mark-not-found", 404, "找不到该工作评分", "No work mark for this unit"),
    P("score-not-found", 404, "暂无该单位的得分", "No score for this unit (yet)"),
    P("score-read-forbidden", 403, "你无权查看该单位的得分", "You may not see this unit's score"),
    P("facts-cursor-invalid", 400, "翻页位置无效，请从第一页重新查看", "Not a place in this list: start again from the first page"),
    P("campaign-invalid", 422, "考核活动的设置互相矛盾，请按各项提示修改", "The campaign's settings do not fit together: correct each one as shown"),
    P("campaign-period-invalid", 422, "所选时段超出考核期或过长，请重新选择", "The period is outside the campaign or too long: choose another"),
    P("output-too-large", 422, "报表内容过多，请减少所选内容", "The report would be too large: choose fewer"),
    P("render-busy", 503, "报表生成繁忙，请稍后重试", "Every report worker is busy: retry in a few seconds"),
    P("render-timeout", 503, "报表生成超时，请缩小范围后重试", "The report took too long to make: narrow it and retry"),
    P("chart-font-missing", 503, "服务器缺少中文字体，暂时无法生成图表", "The server has no Chinese font: the chart cannot be drawn"),
    P("award-setup-missing", 409, "该考核活动尚未设置奖项", "The campaign has no award kinds yet: set them first"),
    P("award-kind-unknown", 422, "该考核活动没有这个奖项", "The campaign has no such award kind"),
    P("award-unit-not-found", 422, "找不到被推荐的单位或个人", "No such unit in the campaign"),
    P("award-unit-mismatch", 422, "该奖项不评选这一类单位", "This award kind is not for this kind of unit"),
    P("award-unit-forbidden", 403, "只能推荐本部门的单位或个人", "You may nominate only units of your own department"),
    P("award-vetoed", 409, "该单位被一票否决，不能参评", "The unit is ruled out by the one-vote veto"),
    P("award-not-eligible", 409, "该单位不符合参评条件（如样本不足或未排名）", "The unit does not meet the award's conditions (too few samples or not ranked)"),
    P("award-over-quota", 409, "本部门该奖项的推荐名额已满", "The department's quota for this award is taken"),
    P("nomination-not-found", 404, "找不到该推荐", "No such nomination"),
    P("nomination-exists", 409, "该单位已被推荐参评这一奖项", "The unit is already nominated for this award"),
    P("nomination-wrong-step", 409, "推荐表当前不在这一审批环节", "The form is not at this sign-off step"),
    P("nomination-wrong-role", 403, "你不能在这一环节签署意见", "You may not sign this step of the form"),
    P("nomination-not-returned", 409, "只有被退回的推荐表可以修改后重新提交", "Only a returned form can be resubmitted"),
    P("nomination-comment-required", 422, "退回推荐表时请写明需要修改的内容", "Say in the comment what to change when returning the form"),
    P("publicity-not-open", 409, "评优结果不在公示期内", "The awards are not in their publicity period (公示)"),
    P("publicity-open", 409, "公示期尚未结束或评优结果已确定", "The publicity period has not ended, or the awards are already decided"),
    P("objections-unanswered", 409, "还有异议未答复，请先答复", "Some objections are not answered yet"),
    P("award-not-found", 404, "找不到该奖项记录", "No such award"),
    P("objection-not-found", 404, "找不到该异议", "No such objection"),
    P("objection-answered", 409, "该异议已答复", "The objection is already answered"),
)
_NOTIFY = (
    P("delivery-not-found", 404, "找不到该消息发送记录", "No such delivery"),
    P("delivery-not-resendable", 409, "只有发送失败或已发送的消息可以重发", "Only dead or sent deliveries (not inbox messages) can be resent"),
    P("rule-invalid", 422, "通知规则有误，请按提示修改", "The rule is not valid: correct it as shown"),
    P("rule-exists", 409, "已有相同事件、条件和接收人的规则", "A rule for this event type, match and audience exists"),
    P("rule-not-found", 404, "找不到该通知规则", "No such rule"),
    P("event-type-unknown", 422, "通知服务不处理该事件类型", "Notify does not handle this event type"),
    P("sample-data-invalid", 422, "示例数据与事件不符", "The sample data do not fit the event"),
    P("template-not-found", 404, "找不到该消息模板", "No such template"),
    P("template-not-overridden", 404, "该模板没有自定义内容", "This template is not overridden"),
    P("template-invalid", 422, "模板无法生成消息，请按提示修改", "The template does not render: correct it as shown"),
    P("preview-empty", 422, "请给出模板名称，或事件类型及标题和正文", "Give a template name, or an event type with subject and body"),
    P("channel-type-unknown", 404, "没有该通知渠道类型", "No such channel type"),
    P("channel-settings-invalid", 422, "渠道设置有误，请按提示修改", "The channel settings are not valid: correct them as shown"),
    P("channel-url-refused", 422, "不允许使用该渠道地址", "This channel URL is not allowed"),
)
# fmt: on

CATALOGUE: dict[str, ProblemType] = {
    p.slug: p for p in (*_PLATFORM, *_FEEDBACK, *_TICKETS, *_SCORING, *_NOTIFY)
}
UNKNOWN = ("出错了，请稍后重试", "Something went wrong: try again later")


def uri(slug: str) -> str:
    return CATALOGUE[slug].uri


def lookup(type_uri: str) -> ProblemType | None:
    """The catalogued type behind a problem's `type` (None for about:blank or an unknown one)."""
    if not type_uri.startswith(PREFIX):
        return None
    return CATALOGUE.get(type_uri.removeprefix(PREFIX))


def texts(type_uri: str) -> tuple[str, str]:
    """(zh, en) text for a problem's `type`: the catalogue's title, or a plain fallback."""
    found = lookup(type_uri)
    return (found.zh, found.en) if found else UNKNOWN


def title_of(type_uri: str, lang: Lang) -> str:
    zh, en = texts(type_uri)
    return zh if lang == "zh" else en


def language(accept_language: str | None) -> Lang:
    """zh or en from an Accept-Language header (the highest q wins; zh-CN when neither is named)."""
    best: tuple[float, Lang] = (-1.0, "zh")
    for part in (accept_language or "")[:512].split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        lang: Lang | None = "zh" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang is None:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > best[0]:
            best = (q, lang)
    return best[1]


def markdown() -> str:
    """docs/problems.md: the catalogue as a table."""
    lines = [
        "# Problem types",
        "",
        "Every error of the feedback, tickets, scoring and notify APIs is RFC 9457 problem+json",
        f"whose `type` is `{PREFIX}<slug>`, one of the slugs below. The slug is stable; a",
        "client shows the title in the user's language (`houqin_shared.problem_types.title_of`).",
        "The answer's `title` follows Accept-Language (zh-CN unless English is preferred); the",
        "`detail` is English, for developers. A validation problem (`validation`) carries",
        "`errors`: one item per field with `loc`, `type` (a stable code such as",
        "`string_too_long`), `msg` and, when the code has parameters, `ctx` (`max_length` ...).",
        "",
        "Generated from `shared/houqin_shared/problem_types.py`",
        "(`uv run python -m houqin_shared.problem_types > docs/problems.md`); a unit test keeps",
        "it in step.",
        "",
        "| slug | status | zh-CN | English |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{p.slug}` | {p.status} | {p.zh} | {p.en} |" for p in CATALOGUE.values()]
    from houqin_shared.field_errors import FIELD_ERRORS  # it imports this module

    lines += [
        "",
        "## Field error codes",
        "",
        "The `type` of each item of a validation problem's `errors`: pydantic's codes and the",
        "services' own rules (`houqin_shared.field_errors`; `{...}` is filled from `ctx`).",
        "",
        "| code | zh-CN | English |",
        "|---|---|---|",
    ]
    lines += [f"| `{code}` | {zh} | {en} |" for code, (zh, en) in FIELD_ERRORS.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
