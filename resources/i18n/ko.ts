<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>Access</name>
    <message>
        <source>{action} refused: {reason}</source>
        <translation>{action} 거부됨: {reason}</translation>
    </message>
    <message>
        <source>the console is in kiosk mode (read-only)</source>
        <translation>콘솔이 키오스크 모드(읽기 전용)입니다</translation>
    </message>
    <message>
        <source>user {user} is a viewer; only operators may do this</source>
        <translation>사용자 {user}은(는) 조회자입니다. 운영자만 할 수 있습니다</translation>
    </message>
</context>
<context>
    <name>AccessPage</name>
    <message>
        <source>(none)</source>
        <translation>(없음)</translation>
    </message>
    <message>
        <source>Operators may move capacity, acknowledge alerts and change settings; everyone else sees the console read-only.

Operator users: %1
Operator groups: %2

These are set by the site&apos;s administrator in %3.</source>
        <translation>운영자는 용량을 옮기고 알림을 확인 처리하며 설정을 바꿀 수 있습니다. 그 밖의 사용자는 콘솔을 읽기 전용으로 봅니다.

운영자 사용자: %1
운영자 그룹: %2

이 값은 사이트 관리자가 %3에서 정합니다.</translation>
    </message>
</context>
<context>
    <name>Accessible</name>
    <message>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>모두 선택</translation>
    </message>
    <message>
        <source>Column headers</source>
        <translation>열 머리글</translation>
    </message>
    <message>
        <source>Row headers</source>
        <translation>행 머리글</translation>
    </message>
    <message>
        <source>More menus</source>
        <translation>메뉴 더 보기</translation>
    </message>
</context>
<context>
    <name>AccountingPage</name>
    <message>
        <source>GPU model</source>
        <translation>GPU 모델</translation>
    </message>
    <message>
        <source>SU per GPU-hour</source>
        <translation>GPU 시간당 SU</translation>
    </message>
    <message>
        <source>Service units per GPU-hour by GPU model (the name as NVML reports it, e.g. NVIDIA H100 80GB HBM3); models not listed count 1.0.</source>
        <translation>GPU 모델별 GPU 시간당 서비스 단위(SU)입니다(모델 이름은 NVML이 알려 주는 그대로, 예: NVIDIA H100 80GB HBM3). 목록에 없는 모델은 1.0으로 셉니다.</translation>
    </message>
    <message>
        <source>Add model</source>
        <translation>모델 추가</translation>
    </message>
    <message>
        <source>Remove model</source>
        <translation>모델 삭제</translation>
    </message>
</context>
<context>
    <name>AccountingTable</name>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Entitled GPU-h</source>
        <translation>보장 GPU시간</translation>
    </message>
    <message>
        <source>Allocated GPU-h</source>
        <translation>배정 GPU시간</translation>
    </message>
    <message>
        <source>Reporting GPU-h</source>
        <translation>보고 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h</source>
        <translation>사용 GPU시간</translation>
    </message>
    <message>
        <source>Busy GPU-h</source>
        <translation>가동 GPU시간</translation>
    </message>
    <message>
        <source>SU</source>
        <translation>SU</translation>
    </message>
    <message>
        <source>Util %</source>
        <translation>사용률 %</translation>
    </message>
    <message>
        <source>Used GPU-h by job account</source>
        <translation>작업 계정별 사용 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h by user map</source>
        <translation>사용자 매핑별 사용 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h by node</source>
        <translation>노드 기관별 사용 GPU시간</translation>
    </message>
    <message>
        <source>GPU kWh</source>
        <translation>GPU kWh</translation>
    </message>
    <message>
        <source>Estimated kWh</source>
        <translation>추정 kWh</translation>
    </message>
    <message>
        <source>CPU kWh</source>
        <translation>CPU kWh</translation>
    </message>
    <message>
        <source>IT kWh</source>
        <translation>IT kWh</translation>
    </message>
    <message>
        <source>Facility kWh</source>
        <translation>시설 kWh</translation>
    </message>
    <message>
        <source>kgCO2e</source>
        <translation>kgCO2e</translation>
    </message>
    <message>
        <source>Facility kWh = IT kWh (GPU + CPU) × PUE {pue}; kgCO2e = facility kWh × {grid} kgCO2e/kWh (settings.toml [energy]). Estimated kWh: GPUs without an energy counter, power × time.</source>
        <translation>시설 kWh = IT kWh(GPU + CPU) × PUE {pue}; kgCO2e = 시설 kWh × {grid} kgCO2e/kWh(settings.toml [energy]). 추정 kWh: 에너지 카운터가 없는 GPU의 전력 × 시간.</translation>
    </message>
    <message>
        <source>Used GPU-h are charged to the GPU&apos;s Slurm job&apos;s account when the fleet file gives it an organisation, else to the organisation of the user of its main process (user map), else to the node&apos;s organisation; the by-rule columns add up to used GPU-h.</source>
        <translation>사용 GPU시간은 플릿 파일이 기관을 지정한 경우 GPU의 Slurm 작업 계정에, 아니면 주 프로세스 사용자의 기관(사용자 매핑)에, 그것도 아니면 노드의 기관에 부과됩니다. 규칙별 열의 합은 사용 GPU시간과 같습니다.</translation>
    </message>
    <message>
        <source>(no organisation)</source>
        <translation>(기관 없음)</translation>
    </message>
</context>
<context>
    <name>AccountingView</name>
    <message>
        <source>Today</source>
        <translation>오늘</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>이번 주</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>이번 달</translation>
    </message>
    <message>
        <source>Dates below</source>
        <translation>날짜 지정</translation>
    </message>
    <message>
        <source>By sector</source>
        <translation>부문별</translation>
    </message>
    <message>
        <source>By organisation</source>
        <translation>기관별</translation>
    </message>
    <message>
        <source>from</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>to</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>Slurm accounts…</source>
        <translation>Slurm 계정…</translation>
    </message>
    <message>
        <source>Accounting period</source>
        <translation>정산 기간</translation>
    </message>
    <message>
        <source>Group accounting by</source>
        <translation>정산 묶음 기준</translation>
    </message>
    <message>
        <source>First day</source>
        <translation>첫날</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>마지막 날</translation>
    </message>
    <message>
        <source>Accounting</source>
        <translation>사용량 정산</translation>
    </message>
    <message>
        <source>The period ends before it starts</source>
        <translation>기간의 끝이 시작보다 앞섭니다</translation>
    </message>
    <message>
        <source>History is not kept in this session</source>
        <translation>이 세션에서는 이력을 저장하지 않습니다</translation>
    </message>
    <message>
        <source>History unavailable: %1</source>
        <translation>이력을 읽을 수 없음: %1</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>합계</translation>
    </message>
    <message>
        <source>(no organisation)</source>
        <translation>(기관 없음)</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Entitled GPU-h</source>
        <translation>보장 GPU시간</translation>
    </message>
    <message>
        <source>Allocated GPU-h</source>
        <translation>배정 GPU시간</translation>
    </message>
    <message>
        <source>Reporting GPU-h</source>
        <translation>보고 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h</source>
        <translation>사용 GPU시간</translation>
    </message>
    <message>
        <source>Busy GPU-h</source>
        <translation>가동 GPU시간</translation>
    </message>
    <message>
        <source>SU</source>
        <translation>SU</translation>
    </message>
    <message>
        <source>Utilisation %</source>
        <translation>사용률 %</translation>
    </message>
    <message>
        <source>Used GPU-h by job account</source>
        <translation>작업 계정별 사용 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h by user map</source>
        <translation>사용자 매핑별 사용 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h by node</source>
        <translation>노드 기관별 사용 GPU시간</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>%1 – %2 · %3</source>
        <translation>%1 – %2 · %3</translation>
    </message>
    <message>
        <source>GPU kWh</source>
        <translation>GPU kWh</translation>
    </message>
    <message>
        <source>CPU kWh</source>
        <translation>CPU kWh</translation>
    </message>
    <message>
        <source>Facility kWh</source>
        <translation>시설 kWh</translation>
    </message>
    <message>
        <source>kgCO2e</source>
        <translation>kgCO2e</translation>
    </message>
</context>
<context>
    <name>Accounts</name>
    <message>
        <source>slurmdbd holds several clusters ({clusters}): name one</source>
        <translation>slurmdbd에 클러스터가 여럿 있습니다({clusters}). 하나를 지정하십시오</translation>
    </message>
    <message>
        <source>no answer in {s:.0f} s</source>
        <translation>{s:.0f}초 동안 응답 없음</translation>
    </message>
    <message>
        <source>Slurm&apos;s accounting cannot be read on {where} (is slurmdbd up?): {error}</source>
        <translation>{where}에서 Slurm 회계 정보를 읽을 수 없습니다(slurmdbd가 실행 중입니까?): {error}</translation>
    </message>
    <message>
        <source>sacctmgr printed what the console cannot read: {error}</source>
        <translation>sacctmgr 출력을 해석할 수 없습니다: {error}</translation>
    </message>
    <message>
        <source>sacctmgr shows no associations for cluster {cluster}</source>
        <translation>sacctmgr에 클러스터 {cluster}의 연관(association)이 없습니다</translation>
    </message>
    <message>
        <source>Slurm {version}, read with {form} on {where}</source>
        <translation>Slurm {version}, {where}에서 {form}(으)로 읽음</translation>
    </message>
    <message>
        <source>add QOS {name}</source>
        <translation>QOS {name} 추가</translation>
    </message>
    <message>
        <source>set QOS {name}: {detail}</source>
        <translation>QOS {name} 설정: {detail}</translation>
    </message>
    <message>
        <source>add account {name} under {detail}</source>
        <translation>{detail} 아래에 계정 {name} 추가</translation>
    </message>
    <message>
        <source>move account {name} under {detail}</source>
        <translation>계정 {name}을(를) {detail} 아래로 이동</translation>
    </message>
    <message>
        <source>allow QOS {detail} on account {name}</source>
        <translation>계정 {name}에 QOS {detail} 허용</translation>
    </message>
    <message>
        <source>allow QOS {detail} for user {name}</source>
        <translation>사용자 {name}에 QOS {detail} 허용</translation>
    </message>
    <message>
        <source>remove account {name}</source>
        <translation>계정 {name} 삭제</translation>
    </message>
    <message>
        <source>remove QOS {name}</source>
        <translation>QOS {name} 삭제</translation>
    </message>
    <message>
        <source>a reason is required to change Slurm&apos;s accounts</source>
        <translation>Slurm 계정을 바꾸려면 사유가 필요합니다</translation>
    </message>
</context>
<context>
    <name>AccountsCommand</name>
    <message>
        <source>reconcile needs --inventory FILE</source>
        <translation>reconcile에는 --inventory FILE이 필요합니다</translation>
    </message>
    <message>
        <source>--apply goes with reconcile</source>
        <translation>--apply는 reconcile과 함께 씁니다</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>QOS</source>
        <translation>QOS</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>제한</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>우선순위</translation>
    </message>
    <message>
        <source>Preempt mode</source>
        <translation>선점 방식</translation>
    </message>
    <message>
        <source>Grace time</source>
        <translation>유예 시간</translation>
    </message>
    <message>
        <source>Preempts</source>
        <translation>선점 대상</translation>
    </message>
    <message>
        <source>Group TRES</source>
        <translation>그룹 TRES</translation>
    </message>
    <message>
        <source>* created by the console</source>
        <translation>* 콘솔이 만든 항목</translation>
    </message>
    <message>
        <source>{how}; cluster {cluster}</source>
        <translation>{how}; 클러스터 {cluster}</translation>
    </message>
    <message>
        <source>Cluster {cluster}: Slurm holds what the fleet file implies; nothing to change.</source>
        <translation>클러스터 {cluster}: Slurm이 클러스터 구성 파일과 일치합니다. 바꿀 것이 없습니다.</translation>
    </message>
    <message>
        <source>Cluster {cluster}: {n} change(s)</source>
        <translation>클러스터 {cluster}: 변경 {n}건</translation>
    </message>
    <message>
        <source>Removed although the console did not create them (--remove-unmanaged): {names}</source>
        <translation>콘솔이 만들지 않았지만 삭제함(--remove-unmanaged): {names}</translation>
    </message>
    <message>
        <source>Left alone (in Slurm, not in the fleet file, not created by the console): {names}</source>
        <translation>그대로 둠(Slurm에는 있으나 구성 파일에 없고 콘솔이 만들지 않음): {names}</translation>
    </message>
    <message>
        <source>{done} of {total} command(s) run; audit entry {entry}</source>
        <translation>명령 {total}개 중 {done}개 실행, 감사 기록 {entry}</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Reading Slurm&apos;s accounts…</source>
        <translation>Slurm 계정을 읽는 중…</translation>
    </message>
    <message>
        <source>Slurm accounts</source>
        <translation>Slurm 계정</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>QOS allowed</source>
        <translation>허용 QOS</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>제한</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>QOS</source>
        <translation>QOS</translation>
    </message>
    <message>
        <source>Preempt mode</source>
        <translation>선점 방식</translation>
    </message>
    <message>
        <source>Grace time</source>
        <translation>유예 시간</translation>
    </message>
    <message>
        <source>Preempts</source>
        <translation>선점 대상</translation>
    </message>
    <message>
        <source>Group limit</source>
        <translation>그룹 제한</translation>
    </message>
    <message>
        <source>Quality of service</source>
        <translation>서비스 품질(QOS)</translation>
    </message>
    <message>
        <source>What the fleet file implies</source>
        <translation>클러스터 구성 파일에 따른 변경</translation>
    </message>
    <message>
        <source>Read-only. Apply with: hangang-console accounts reconcile --inventory FILE --apply --reason …  (* created by the console)</source>
        <translation>읽기 전용입니다. 적용: hangang-console accounts reconcile --inventory FILE --apply --reason …  (* 콘솔이 만든 항목)</translation>
    </message>
    <message>
        <source>Slurm association tree</source>
        <translation>Slurm 연관 트리</translation>
    </message>
    <message>
        <source>{how}; cluster {cluster}</source>
        <translation>{how}; 클러스터 {cluster}</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n}초</translation>
    </message>
    <message>
        <source>Nothing: Slurm holds what the fleet file implies.</source>
        <translation>없음: Slurm이 클러스터 구성 파일과 일치합니다.</translation>
    </message>
    <message>
        <source>Left alone (not the console&apos;s): {names}</source>
        <translation>그대로 둠(콘솔이 만들지 않음): {names}</translation>
    </message>
</context>
<context>
    <name>AlertAdvice</name>
    <message>
        <source>Reboot or reset the GPU to retire the pages.</source>
        <translation>페이지를 폐기하려면 GPU를 재부팅하거나 재설정하십시오.</translation>
    </message>
    <message>
        <source>Reset the GPU to remap the rows.</source>
        <translation>행을 재매핑하려면 GPU를 재설정하십시오.</translation>
    </message>
</context>
<context>
    <name>AlertPresenter</name>
    <message>
        <source>%1 on %2</source>
        <translation>%2의 %1</translation>
    </message>
    <message>
        <source>(and %1 more)</source>
        <translation>(외 %1건)</translation>
    </message>
    <message>
        <source>Critical alert</source>
        <translation>심각 알림</translation>
    </message>
    <message>
        <source>Not acknowledged</source>
        <translation>확인하지 못함</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>설정을 저장하지 못함</translation>
    </message>
</context>
<context>
    <name>AlertRules</name>
    <message>
        <source>GPU temperature</source>
        <translation>GPU 온도</translation>
    </message>
    <message>
        <source>Memory temperature</source>
        <translation>메모리 온도</translation>
    </message>
    <message>
        <source>Thermal throttling</source>
        <translation>열 스로틀링</translation>
    </message>
    <message>
        <source>Power brake</source>
        <translation>전력 브레이크</translation>
    </message>
    <message>
        <source>Uncorrected ECC errors</source>
        <translation>정정 불가 ECC 오류</translation>
    </message>
    <message>
        <source>Row remap pending</source>
        <translation>행 재매핑 대기</translation>
    </message>
    <message>
        <source>Row remap failed</source>
        <translation>행 재매핑 실패</translation>
    </message>
    <message>
        <source>Page retirement pending</source>
        <translation>페이지 폐기 대기</translation>
    </message>
    <message>
        <source>XID error</source>
        <translation>XID 오류</translation>
    </message>
    <message>
        <source>GPU lost</source>
        <translation>GPU 인식 불가</translation>
    </message>
    <message>
        <source>Node unreachable</source>
        <translation>노드 연결 불가</translation>
    </message>
    <message>
        <source>Node data stale</source>
        <translation>노드 데이터 지연</translation>
    </message>
    <message>
        <source>Probe error</source>
        <translation>프로브 오류</translation>
    </message>
    <message>
        <source>Host key changed</source>
        <translation>호스트 키 변경</translation>
    </message>
    <message>
        <source>Disk almost full</source>
        <translation>디스크 공간 부족</translation>
    </message>
    <message>
        <source>Sector above entitlement</source>
        <translation>부문 보장량 초과</translation>
    </message>
    <message>
        <source>Sector starved</source>
        <translation>부문 자원 부족</translation>
    </message>
    <message>
        <source>Job idle on its GPUs</source>
        <translation>GPU를 쓰지 않는 작업</translation>
    </message>
</context>
<context>
    <name>Alertmanager</name>
    <message>
        <source>{rule} on {node} GPU {gpu}</source>
        <translation>{node} GPU {gpu}: {rule}</translation>
    </message>
    <message>
        <source>{rule} on {node}</source>
        <translation>{node}: {rule}</translation>
    </message>
    <message>
        <source>{rule} in the {sector} sector</source>
        <translation>{sector} 부문: {rule}</translation>
    </message>
    <message>
        <source>Incident {id} ({severity}) in the {sector} sector, first seen {since} UTC.</source>
        <translation>{sector} 부문의 장애 {id} ({severity}), 처음 발생 {since} UTC.</translation>
    </message>
    <message>
        <source>Peak value {peak:g}.</source>
        <translation>최고값 {peak:g}.</translation>
    </message>
    <message>
        <source>Organisation: {org}.</source>
        <translation>기관: {org}.</translation>
    </message>
</context>
<context>
    <name>AlertsPage</name>
    <message>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>확인이 필요한 항목</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>경보</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>위치</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>경과</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>Last data</source>
        <translation>마지막 데이터</translation>
    </message>
    <message>
        <source>No open alerts. %1 of %2 nodes live.</source>
        <translation>열린 경보가 없습니다. 노드 %2대 중 %1대 정상.</translation>
    </message>
    <message>
        <source>%1 open alerts: %2 critical, %3 errors, %4 warnings.</source>
        <translation>열린 경보 %1건: 심각 %2, 오류 %3, 경고 %4.</translation>
    </message>
    <message>
        <source>%1 GPU %2</source>
        <translation>%1 GPU %2</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… 외 %1건</translation>
    </message>
    <message>
        <source>All %1 nodes are live.</source>
        <translation>노드 %1대 모두 정상 수신 중입니다.</translation>
    </message>
    <message>
        <source>%1 of %2 nodes are not live.</source>
        <translation>노드 %2대 중 %1대의 데이터가 실시간이 아닙니다.</translation>
    </message>
    <message>
        <source>never</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>… and %1 more nodes</source>
        <translation>… 외 노드 %1대</translation>
    </message>
</context>
<context>
    <name>AlertsPanel</name>
    <message>
        <source>All severities</source>
        <translation>모든 심각도</translation>
    </message>
    <message>
        <source>All sectors</source>
        <translation>전체 부문</translation>
    </message>
    <message>
        <source>Search node, alert, organisation…</source>
        <translation>노드, 알림, 기관 검색…</translation>
    </message>
    <message>
        <source>Show closed</source>
        <translation>종료된 항목 표시</translation>
    </message>
    <message>
        <source>Severity shown</source>
        <translation>표시할 심각도</translation>
    </message>
    <message>
        <source>Sector shown</source>
        <translation>표시할 부문</translation>
    </message>
    <message>
        <source>Search alerts</source>
        <translation>알림 검색</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>Acknowledge…</source>
        <translation>확인…</translation>
    </message>
    <message>
        <source>Only operators may acknowledge alerts</source>
        <translation>운영자만 알림을 확인할 수 있습니다</translation>
    </message>
    <message>
        <source>Acknowledge alert</source>
        <translation>알림 확인</translation>
    </message>
    <message>
        <source>Note for %1 on %2 (kept with the incident):</source>
        <translation>%2의 %1에 대한 메모 (사건 기록에 보관됨):</translation>
    </message>
</context>
<context>
    <name>AlertsTable</name>
    <message>
        <source>ID</source>
        <translation>번호</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>규칙</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>처음</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>마지막</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Peak</source>
        <translation>최대값</translation>
    </message>
    <message>
        <source>Acknowledged by</source>
        <translation>확인자</translation>
    </message>
    <message>
        <source>Acknowledged at</source>
        <translation>확인 시각</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>open</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
</context>
<context>
    <name>ApplyDialog</name>
    <message>
        <source>Undo a plan</source>
        <translation>계획 되돌리기</translation>
    </message>
    <message>
        <source>Apply the plan</source>
        <translation>계획 적용</translation>
    </message>
    <message>
        <source>%1 node moves, %2 GPUs in all:</source>
        <translation>노드 %1대 이동, 모두 GPU %2개:</translation>
    </message>
    <message>
        <source>  … and %1 more</source>
        <translation>  … 외 %1대</translation>
    </message>
    <message>
        <source>%1 nodes have running work: they drain first and move when it ends (no job is killed): %2</source>
        <translation>노드 %1대에 실행 중인 작업이 있습니다. 먼저 드레인하고 작업이 끝나면 옮깁니다(작업을 종료하지 않음): %2</translation>
    </message>
    <message>
        <source>Every moving node is idle: nothing waits for a drain.</source>
        <translation>옮길 노드가 모두 유휴 상태입니다. 드레인을 기다리지 않습니다.</translation>
    </message>
    <message>
        <source>Guarantee overridden: %1</source>
        <translation>최소 보장 예외 승인: %1</translation>
    </message>
</context>
<context>
    <name>ApplyProgress</name>
    <message>
        <source>Progress</source>
        <translation>진행 상황</translation>
    </message>
    <message>
        <source>Progress of the moves</source>
        <translation>이동 진행 상황</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>이동</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>적용 중…</translation>
    </message>
    <message>
        <source>Cancelling: moved nodes go back, drained ones resume…</source>
        <translation>취소 중: 옮긴 노드는 되돌리고 드레인한 노드는 재개합니다…</translation>
    </message>
</context>
<context>
    <name>ApplyResults</name>
    <message>
        <source>applied</source>
        <translation>적용됨</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>rolled back</source>
        <translation>되돌림</translation>
    </message>
    <message>
        <source>rollback incomplete</source>
        <translation>되돌리기 미완료</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>중단됨</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
</context>
<context>
    <name>AuditActions</name>
    <message>
        <source>apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <source>undo</source>
        <translation>되돌리기</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>중단됨</translation>
    </message>
    <message>
        <source>apply caps</source>
        <translation>한도 적용</translation>
    </message>
    <message>
        <source>undo caps</source>
        <translation>한도 되돌리기</translation>
    </message>
    <message>
        <source>cap apply interrupted</source>
        <translation>한도 적용 중단됨</translation>
    </message>
    <message>
        <source>trust a host key</source>
        <translation>호스트 키 신뢰</translation>
    </message>
    <message>
        <source>apply a rebalance</source>
        <translation>재배치 적용</translation>
    </message>
    <message>
        <source>undo a rebalance</source>
        <translation>재배치 되돌리기</translation>
    </message>
    <message>
        <source>recover an interrupted apply</source>
        <translation>중단된 적용 복구</translation>
    </message>
    <message>
        <source>edit settings</source>
        <translation>설정 변경</translation>
    </message>
    <message>
        <source>acknowledge an alert</source>
        <translation>알림 확인</translation>
    </message>
    <message>
        <source>reconcile Slurm accounts</source>
        <translation>Slurm 계정 맞추기</translation>
    </message>
</context>
<context>
    <name>AuditCommand</name>
    <message>
        <source>{path}: no audit log yet (nothing to verify)</source>
        <translation>{path}: 감사 기록이 아직 없습니다</translation>
    </message>
    <message>
        <source>OK: {entries} entries, chain intact; head {head}</source>
        <translation>정상: 기록 {entries}건, 체인 온전; 마지막 해시 {head}</translation>
    </message>
    <message>
        <source>BROKEN at entry {broken}: {problem} ({entries} entries before it verify)</source>
        <translation>손상: 기록 {broken}번 — {problem} (그 앞의 {entries}건은 정상)</translation>
    </message>
    <message>
        <source>{path}: no entries</source>
        <translation>{path}: 기록이 없습니다</translation>
    </message>
</context>
<context>
    <name>AuditTable</name>
    <message>
        <source>id</source>
        <translation>번호</translation>
    </message>
    <message>
        <source>time</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>user</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>role</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>action</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>plan</source>
        <translation>계획</translation>
    </message>
    <message>
        <source>result</source>
        <translation>결과</translation>
    </message>
    <message>
        <source>moves</source>
        <translation>이동</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>사유</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>계획</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>Moves</source>
        <translation>이동</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>결과</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>체인 검증</translation>
    </message>
    <message>
        <source>Undo this plan…</source>
        <translation>이 계획 되돌리기…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>감사 기록</translation>
    </message>
    <message>
        <source>Entry details</source>
        <translation>항목 상세</translation>
    </message>
    <message>
        <source>Apply the reverse moves (drain first)</source>
        <translation>반대 방향으로 옮깁니다(먼저 드레인)</translation>
    </message>
    <message>
        <source>Only an applied plan can be undone</source>
        <translation>적용된 계획만 되돌릴 수 있습니다</translation>
    </message>
    <message>
        <source>Entry %1 · plan %2 · %3</source>
        <translation>기록 %1 · 계획 %2 · %3</translation>
    </message>
    <message>
        <source>By %1 (%2) at %3</source>
        <translation>%1(%2), %3</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>사유: %1</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>명령:</translation>
    </message>
    <message>
        <source>Undoes plan %1</source>
        <translation>계획 %1을(를) 되돌림</translation>
    </message>
    <message>
        <source>Guarantee overridden: %1</source>
        <translation>최소 보장 예외 승인: %1</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>오류: %1</translation>
    </message>
    <message>
        <source>GPU cap per sector (before → after):</source>
        <translation>부문별 GPU 상한 (변경 전 → 후):</translation>
    </message>
    <message>
        <source>no cap changed</source>
        <translation>바뀐 상한 없음</translation>
    </message>
    <message>
        <source>Per sector (nodes before → after, GPUs moved):</source>
        <translation>부문별 (노드 수 이전 → 이후, 이동한 GPU):</translation>
    </message>
    <message>
        <source>Moves:</source>
        <translation>이동:</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>단계:</translation>
    </message>
    <message>
        <source>Hash %1</source>
        <translation>해시 %1</translation>
    </message>
    <message>
        <source>After %1</source>
        <translation>이전 해시 %1</translation>
    </message>
    <message>
        <source>Chain intact: %1 entries, head %2</source>
        <translation>체인 정상: 기록 %1개, 마지막 해시 %2</translation>
    </message>
    <message>
        <source>Chain broken at entry %1: %2</source>
        <translation>기록 %1에서 체인이 깨졌습니다: %2</translation>
    </message>
</context>
<context>
    <name>Books</name>
    <message>
        <source>the room&apos;s books cannot be read from {url}: {why}</source>
        <translation>{url}에서 관제실 장부를 읽을 수 없음: {why}</translation>
    </message>
</context>
<context>
    <name>CapMoveRow</name>
    <message>
        <source>Move</source>
        <translation>상한 이동</translation>
    </message>
    <message>
        <source> GPUs</source>
        <translation> GPU</translation>
    </message>
    <message>
        <source>GPUs of cap to move</source>
        <translation>옮길 상한 GPU 수</translation>
    </message>
    <message>
        <source>of cap from</source>
        <translation>보내는 부문</translation>
    </message>
    <message>
        <source>to</source>
        <translation>받는 부문</translation>
    </message>
    <message>
        <source>Sector giving cap</source>
        <translation>상한을 내주는 부문</translation>
    </message>
    <message>
        <source>Sector receiving cap</source>
        <translation>상한을 받는 부문</translation>
    </message>
    <message>
        <source>Move cap</source>
        <translation>상한 옮기기</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
</context>
<context>
    <name>Capacity</name>
    <message>
        <source>No applied plan {plan} in the audit log.</source>
        <translation>감사 기록에 적용된 계획 {plan}이(가) 없습니다.</translation>
    </message>
    <message>
        <source>Plan {plan} was already undone (entry {entry}).</source>
        <translation>계획 {plan}은(는) 이미 되돌렸습니다(기록 {entry}).</translation>
    </message>
    <message>
        <source>A reason is required.</source>
        <translation>사유를 적어야 합니다.</translation>
    </message>
</context>
<context>
    <name>Collector</name>
    <message>
        <source>no data for {seconds:.0f} s</source>
        <translation>{seconds:.0f}초 동안 데이터 없음</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <source>the key changed since it was shown; check the fingerprint again</source>
        <translation>표시된 뒤 키가 바뀌었습니다. 지문을 다시 확인하십시오</translation>
    </message>
    <message>
        <source>connection lost: {error}</source>
        <translation>연결 끊김: {error}</translation>
    </message>
    <message>
        <source>probe exited (status {status})</source>
        <translation>프로브 종료 (상태 {status})</translation>
    </message>
    <message>
        <source>channel closed</source>
        <translation>채널 닫힘</translation>
    </message>
    <message>
        <source>{what} {stderr}</source>
        <translation>{what} {stderr}</translation>
    </message>
    <message>
        <source>line longer than 1 MiB</source>
        <translation>한 줄이 1 MiB보다 김</translation>
    </message>
    <message>
        <source>bad line from probe: {error}</source>
        <translation>프로브가 보낸 줄이 잘못됨: {error}</translation>
    </message>
    <message>
        <source>collector process exited (code {code}); restarting in {delay:g} s</source>
        <translation>수집 프로세스 종료 (코드 {code}). {delay:g}초 뒤 다시 시작</translation>
    </message>
</context>
<context>
    <name>ColumnMenu</name>
    <message>
        <source>Columns shown</source>
        <translation>표시할 열</translation>
    </message>
</context>
<context>
    <name>CsvExport</name>
    <message>
        <source>Export CSV</source>
        <translation>CSV 내보내기</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1:
%2</source>
        <translation>%1 파일을 쓸 수 없습니다:
%2</translation>
    </message>
</context>
<context>
    <name>CustomRangeDialog</name>
    <message>
        <source>Custom time range</source>
        <translation>기간 직접 지정</translation>
    </message>
    <message>
        <source>From</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>To</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>시간대</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>확인</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
</context>
<context>
    <name>Demo</name>
    <message>
        <source>connection timed out</source>
        <translation>연결 시간 초과</translation>
    </message>
    <message>
        <source>probe exited (status 1) {error}</source>
        <translation>프로브 종료 (상태 1) {error}</translation>
    </message>
    <message>
        <source>host key changed: possible man-in-the-middle</source>
        <translation>호스트 키가 바뀜: 중간자 공격일 수 있음</translation>
    </message>
</context>
<context>
    <name>EnergyPage</name>
    <message>
        <source>PUE (facility energy ÷ IT energy)</source>
        <translation>PUE (시설 전력량 ÷ IT 전력량)</translation>
    </message>
    <message>
        <source>Grid emission factor</source>
        <translation>전력 배출계수</translation>
    </message>
    <message>
        <source> kgCO2e/kWh</source>
        <translation> kgCO2e/kWh</translation>
    </message>
    <message>
        <source>Facility kWh = IT kWh (GPU + CPU) × PUE; kgCO2e = facility kWh × the grid factor. Defaults: PUE %1, the Uptime Institute Global Data Center Survey 2023 average; %2 kgCO2e/kWh, Korea&apos;s national grid emission factor (Greenhouse Gas Inventory and Research Center, GIR). Set the centre&apos;s own measured PUE and the latest published factor; reports print which was used.</source>
        <translation>시설 kWh = IT kWh(GPU + CPU) × PUE, kgCO2e = 시설 kWh × 전력 배출계수입니다. 기본값: PUE %1(Uptime Institute 2023 글로벌 데이터 센터 조사 평균), %2 kgCO2e/kWh(한국 국가 전력 배출계수, 온실가스종합정보센터 GIR). 센터가 실측한 PUE와 최신 공표 배출계수를 넣으십시오. 보고서에는 사용한 값이 표시됩니다.</translation>
    </message>
</context>
<context>
    <name>FleetHeatmap</name>
    <message>
        <source>GPU utilisation, every GPU (one column per node)</source>
        <translation>GPU 사용률 — 전체 GPU (노드당 한 열)</translation>
    </message>
    <message>
        <source>Grey: no live data (stale, connecting). Dark red: node cannot be read (unreachable, auth failed, host key, probe error).</source>
        <translation>회색: 실시간 데이터 없음 (지연, 연결 중). 진한 빨강: 노드를 읽을 수 없음 (연결 불가, 인증 실패, 호스트 키, 프로브 오류).</translation>
    </message>
    <message>
        <source>%1 · %2 nodes</source>
        <translation>%1 · 노드 %2대</translation>
    </message>
    <message>
        <source>status: %1</source>
        <translation>상태: %1</translation>
    </message>
    <message>
        <source>utilisation: %1 %</source>
        <translation>사용률: %1 %</translation>
    </message>
    <message>
        <source>memory: %1 / %2 GiB</source>
        <translation>메모리: %1 / %2 GiB</translation>
    </message>
    <message>
        <source>temperature: %1 °C</source>
        <translation>온도: %1 °C</translation>
    </message>
    <message>
        <source>power: %1 W</source>
        <translation>전력: %1 W</translation>
    </message>
</context>
<context>
    <name>FleetStatusBar</name>
    <message>
        <source>Source: %1</source>
        <translation>데이터 출처: %1</translation>
    </message>
    <message>
        <source>(no fleet file found)</source>
        <translation>(클러스터 구성 파일 없음)</translation>
    </message>
    <message>
        <source>No fleet file in %1, so this is the demo fleet. Put the fleet file there, or start with --inventory FLEET.toml.</source>
        <translation>%1에 클러스터 구성 파일(fleet.toml)이 없어 데모 클러스터를 보여 줍니다. 그곳에 구성 파일을 두거나 --inventory FLEET.toml로 시작하십시오.</translation>
    </message>
    <message>
        <source> or </source>
        <translation> 또는 </translation>
    </message>
    <message>
        <source>Fleet file: %1</source>
        <translation>클러스터 구성 파일: %1</translation>
    </message>
    <message>
        <source>Waiting for data…</source>
        <translation>데이터 기다리는 중…</translation>
    </message>
    <message>
        <source>connected %1 / %2</source>
        <translation>연결됨 %1 / %2</translation>
    </message>
    <message>
        <source>%1 live</source>
        <translation>정상 %1</translation>
    </message>
    <message>
        <source>%1 stale</source>
        <translation>지연 %1</translation>
    </message>
    <message>
        <source>%1 unreachable</source>
        <translation>연결 불가 %1</translation>
    </message>
    <message>
        <source>%1 probe error</source>
        <translation>프로브 오류 %1</translation>
    </message>
    <message>
        <source>%1 auth failed</source>
        <translation>인증 실패 %1</translation>
    </message>
    <message>
        <source>%1 host key unknown</source>
        <translation>호스트 키 미확인 %1</translation>
    </message>
    <message>
        <source>%1 HOST KEY CHANGED</source>
        <translation>호스트 키 변경됨 %1</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>아직 데이터 없음</translation>
    </message>
    <message>
        <source>oldest data: %1 s</source>
        <translation>가장 오래된 데이터: %1초 전</translation>
    </message>
    <message>
        <source>History not saved: %1</source>
        <translation>이력 저장 안 됨: %1</translation>
    </message>
</context>
<context>
    <name>HeatmapPage</name>
    <message>
        <source>Every GPU</source>
        <translation>전체 GPU</translation>
    </message>
    <message>
        <source>no live data</source>
        <translation>실시간 데이터 없음</translation>
    </message>
    <message>
        <source>node cannot be read</source>
        <translation>노드를 읽을 수 없음</translation>
    </message>
    <message>
        <source>GPU utilisation of every GPU, one column per node</source>
        <translation>전체 GPU의 사용률 (노드당 한 열)</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>단축키 목록(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Hangang Console</source>
        <translation>한강 콘솔 정보(&amp;A)</translation>
    </message>
    <message>
        <source>Rebalance board: move selected nodes to %1</source>
        <translation>용량 배분 보드: 선택한 노드를 %1(으)로 이동</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Hangang Console %1&lt;/h3&gt;&lt;p&gt;Live GPU fleet and sector capacity of the Hangang AI Center: monitoring, accounting, alerts, reports and rebalancing.&lt;/p&gt;&lt;p&gt;Licence: %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;한강 콘솔 %1&lt;/h3&gt;&lt;p&gt;한강 AI 센터의 GPU 노드와 부문별 용량을 실시간으로: 모니터링, 사용량 정산, 알림, 보고서, 용량 재배분.&lt;/p&gt;&lt;p&gt;라이선스: %2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About Hangang Console</source>
        <translation>한강 콘솔 정보</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
</context>
<context>
    <name>IdleJobs</name>
    <message>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>작업 수</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU 수</translation>
    </message>
    <message>
        <source>Allocated GPU-h</source>
        <translation>배정 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h</source>
        <translation>사용 GPU시간</translation>
    </message>
    <message>
        <source>GPU-h at 0 %</source>
        <translation>0 % GPU시간</translation>
    </message>
    <message>
        <source>Hours at 0 %</source>
        <translation>0 % 시간</translation>
    </message>
    <message>
        <source>Efficiency %</source>
        <translation>효율 %</translation>
    </message>
    <message>
        <source>(unmapped account)</source>
        <translation>(연결되지 않은 계정)</translation>
    </message>
    <message>
        <source>(no organisation)</source>
        <translation>(기관 없음)</translation>
    </message>
    <message>
        <source>hangang-console jobs: no per-job usage recorded yet ({path}): the console records it while it reads Slurm&apos;s running jobs</source>
        <translation>hangang-console jobs: 작업별 사용 기록이 아직 없습니다 ({path}): 콘솔은 Slurm의 실행 중 작업을 읽는 동안 이를 기록합니다</translation>
    </message>
    <message>
        <source>{period}: {n} jobs held GPUs all at ~0 % for {m} min or more, {hours} GPU-h at 0 %</source>
        <translation>{period}: GPU를 모두 ~0 %로 {m}분 이상 잡고 있던 작업 {n}개, 0 % GPU시간 {hours}</translation>
    </message>
    <message>
        <source>{period}: efficiency (used ÷ allocated GPU-h) of {n} jobs</source>
        <translation>{period}: 작업 {n}개의 효율 (사용 ÷ 배정 GPU시간)</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(없음)</translation>
    </message>
</context>
<context>
    <name>IdleJobsTable</name>
    <message>
        <source>Jobs: %1 · GPU-h at 0 %: %2</source>
        <translation>작업: %1 · 0 % GPU시간: %2</translation>
    </message>
    <message>
        <source>Per-job usage unavailable: %1</source>
        <translation>작업별 사용량을 읽을 수 없음: %1</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU 수</translation>
    </message>
    <message>
        <source>Allocated GPU-h</source>
        <translation>배정 GPU시간</translation>
    </message>
    <message>
        <source>GPU-h at 0 %</source>
        <translation>0 % GPU시간</translation>
    </message>
    <message>
        <source>Hours at 0 %</source>
        <translation>0 % 시간</translation>
    </message>
    <message>
        <source>Efficiency %</source>
        <translation>효율 %</translation>
    </message>
    <message>
        <source>Jobs that held GPUs at ~0 % for %1 minutes or more</source>
        <translation>GPU를 ~0 %로 %1분 이상 잡고 있던 작업</translation>
    </message>
    <message>
        <source>Idle jobs</source>
        <translation>유휴 작업</translation>
    </message>
</context>
<context>
    <name>IncidentModel</name>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>경과</translation>
    </message>
    <message>
        <source>Peak</source>
        <translation>최대값</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>확인</translation>
    </message>
    <message>
        <source>open</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>Kiosk</name>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1분 %2초</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1시간 %2분</translation>
    </message>
</context>
<context>
    <name>KioskPage</name>
    <message>
        <source>Overview</source>
        <translation>전체 현황</translation>
    </message>
    <message>
        <source>One page per sector</source>
        <translation>부문별 한 쪽씩</translation>
    </message>
    <message>
        <source>GPU heatmap</source>
        <translation>GPU 히트맵</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Pages shown</source>
        <translation>보여 줄 쪽</translation>
    </message>
    <message>
        <source>Seconds per page</source>
        <translation>쪽마다 머무는 시간</translation>
    </message>
    <message>
        <source> s</source>
        <translation>초</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Hangang Console · status board</source>
        <translation>한강 콘솔 · 현황판</translation>
    </message>
    <message>
        <source>Hangang AI Center · GPU status</source>
        <translation>한강 AI 센터 · GPU 현황</translation>
    </message>
    <message>
        <source>waiting for data…</source>
        <translation>데이터를 기다리는 중…</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>아직 데이터 없음</translation>
    </message>
    <message>
        <source>NO DATA · no node has reported</source>
        <translation>데이터 없음 · 응답한 노드가 없습니다</translation>
    </message>
    <message>
        <source>updated %1 ago</source>
        <translation>%1 전 갱신</translation>
    </message>
    <message>
        <source>STALE · no new data for %1 · values shown are not current</source>
        <translation>데이터 지연 · %1 동안 새 데이터 없음 · 표시된 값은 현재 값이 아닙니다</translation>
    </message>
    <message>
        <source>NO DATA SOURCE · %1 · values shown are not current</source>
        <translation>데이터 원본 없음 · %1 · 표시된 값은 현재 값이 아닙니다</translation>
    </message>
    <message>
        <source>%1 / %2 nodes live</source>
        <translation>실시간 노드 %1 / %2</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>en</source>
        <comment>language code of this translation</comment>
        <translation>ko</translation>
    </message>
    <message>
        <source>GPU utilisation</source>
        <translation>GPU 사용률</translation>
    </message>
    <message>
        <source>Memory activity</source>
        <translation>메모리 활동</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>메모리 사용량</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>온도</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>전력</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory temperature</source>
        <translation>메모리 온도</translation>
    </message>
    <message>
        <source>Disk used</source>
        <translation>디스크 사용량</translation>
    </message>
    <message>
        <source>demo fleet, %1 nodes</source>
        <translation>데모 클러스터, 노드 %1대</translation>
    </message>
    <message>
        <source>SSH, %1 nodes</source>
        <translation>SSH, 노드 %1대</translation>
    </message>
    <message>
        <source>Prometheus, %1 nodes</source>
        <translation>Prometheus, 노드 %1개</translation>
    </message>
    <message>
        <source>%1 nodes</source>
        <translation>노드 %1대</translation>
    </message>
    <message>
        <source>%1/s</source>
        <comment>a data rate</comment>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1일 %2시간</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1시간 %2분</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1분</translation>
    </message>
</context>
<context>
    <name>Languages</name>
    <message>
        <source>Korean</source>
        <translation>한국어</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
</context>
<context>
    <name>LocalTimeAxis</name>
    <message>
        <source>MMM</source>
        <comment>Qt date pattern: month</comment>
        <translation>M월</translation>
    </message>
    <message>
        <source>d</source>
        <comment>Qt date pattern: day</comment>
        <translation>d일</translation>
    </message>
    <message>
        <source>MMM d</source>
        <comment>Qt date pattern</comment>
        <translation>M월 d일</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Hangang Console · Hangang AI Center</source>
        <translation>한강 콘솔 · 한강 AI 센터</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Report…</source>
        <translation>보고서(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>종료(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>Accounting</source>
        <translation>사용량 정산</translation>
    </message>
    <message>
        <source>&amp;Nodes</source>
        <translation>노드(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Accounting</source>
        <translation>사용량 정산(&amp;A)</translation>
    </message>
    <message>
        <source>A&amp;lerts</source>
        <translation>알림(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>설정(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Find node…</source>
        <translation>노드 찾기(&amp;F)…</translation>
    </message>
    <message>
        <source>F&amp;ull screen</source>
        <translation>전체 화면(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>화면 배치 초기화(&amp;R)</translation>
    </message>
    <message>
        <source>Tables</source>
        <translation>표</translation>
    </message>
    <message>
        <source>Capacity</source>
        <translation>용량 배분</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>감사 기록</translation>
    </message>
    <message>
        <source>&amp;Capacity</source>
        <translation>용량 배분(&amp;C)</translation>
    </message>
    <message>
        <source>A&amp;udit log</source>
        <translation>감사 기록(&amp;U)</translation>
    </message>
    <message>
        <source>Alerts (%1)</source>
        <translation>알림 (%1)</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>알림</translation>
    </message>
</context>
<context>
    <name>Months</name>
    <message>
        <source>Jan</source>
        <translation>1월</translation>
    </message>
    <message>
        <source>Feb</source>
        <translation>2월</translation>
    </message>
    <message>
        <source>Mar</source>
        <translation>3월</translation>
    </message>
    <message>
        <source>Apr</source>
        <translation>4월</translation>
    </message>
    <message>
        <source>May</source>
        <translation>5월</translation>
    </message>
    <message>
        <source>Jun</source>
        <translation>6월</translation>
    </message>
    <message>
        <source>Jul</source>
        <translation>7월</translation>
    </message>
    <message>
        <source>Aug</source>
        <translation>8월</translation>
    </message>
    <message>
        <source>Sep</source>
        <translation>9월</translation>
    </message>
    <message>
        <source>Oct</source>
        <translation>10월</translation>
    </message>
    <message>
        <source>Nov</source>
        <translation>11월</translation>
    </message>
    <message>
        <source>Dec</source>
        <translation>12월</translation>
    </message>
</context>
<context>
    <name>MoveKeys</name>
    <message>
        <source>Move to</source>
        <translation>이동할 부문</translation>
    </message>
</context>
<context>
    <name>MoveStates</name>
    <message>
        <source>planned</source>
        <translation>계획됨</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>드레인 중</translation>
    </message>
    <message>
        <source>drained</source>
        <translation>드레인됨</translation>
    </message>
    <message>
        <source>moved</source>
        <translation>이동됨</translation>
    </message>
    <message>
        <source>resumed</source>
        <translation>재개됨</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>rolled back</source>
        <translation>되돌림</translation>
    </message>
</context>
<context>
    <name>NodeChips</name>
    <message>
        <source>%1 of %2 GPUs busy, %3 jobs</source>
        <translation>GPU %2개 중 %1개 사용 중, 작업 %3개</translation>
    </message>
    <message>
        <source>Planned: to %1</source>
        <translation>계획: %1(으)로 이동</translation>
    </message>
    <message>
        <source>State: %1 %2</source>
        <translation>상태: %1 %2</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>유휴</translation>
    </message>
    <message>
        <source>1 job</source>
        <translation>작업 1개</translation>
    </message>
    <message>
        <source>%1 jobs</source>
        <translation>작업 %1개</translation>
    </message>
</context>
<context>
    <name>NodeDetail</name>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Util %</source>
        <translation>사용률 %</translation>
    </message>
    <message>
        <source>Memory GiB</source>
        <translation>메모리 GiB</translation>
    </message>
    <message>
        <source>of GiB</source>
        <translation>전체 GiB</translation>
    </message>
    <message>
        <source>°C</source>
        <translation>°C</translation>
    </message>
    <message>
        <source>Power W</source>
        <translation>전력 W</translation>
    </message>
    <message>
        <source>Working for</source>
        <translation>사용 기관</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>ECC SBE</source>
        <translation>ECC 단일 비트</translation>
    </message>
    <message>
        <source>ECC DBE</source>
        <translation>ECC 이중 비트</translation>
    </message>
    <message>
        <source>Pages · rows</source>
        <translation>페이지 · 행</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Memory MiB</source>
        <translation>메모리 MiB</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <source>Node %1</source>
        <translation>노드 %1</translation>
    </message>
    <message>
        <source>GPUs now</source>
        <translation>현재 GPU</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>서버</translation>
    </message>
    <message>
        <source>Processes on the GPUs</source>
        <translation>GPU 프로세스</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <source>Swap</source>
        <translation>스왑</translation>
    </message>
    <message>
        <source>Load (1, 5, 15 min)</source>
        <translation>부하 (1, 5, 15분)</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>네트워크</translation>
    </message>
    <message>
        <source>Disks</source>
        <translation>디스크</translation>
    </message>
    <message>
        <source>Up for</source>
        <translation>가동 시간</translation>
    </message>
    <message>
        <source>Kernel · driver · CUDA</source>
        <translation>커널 · 드라이버 · CUDA</translation>
    </message>
    <message>
        <source>Waiting for the node&apos;s next sample…</source>
        <translation>노드의 다음 수집 자료를 기다리는 중…</translation>
    </message>
    <message>
        <source>%1 processes · sample of %2</source>
        <translation>프로세스 %1개 · %2 수집</translation>
    </message>
    <message>
        <source>not reported by the probe</source>
        <translation>프로브가 보고하지 않음</translation>
    </message>
    <message>
        <source>in %1 · out %2</source>
        <translation>수신 %1 · 송신 %2</translation>
    </message>
</context>
<context>
    <name>NodeHealth</name>
    <message>
        <source>retired %1 SBE · %2 DBE</source>
        <translation>폐기 단일 %1 · 이중 %2</translation>
    </message>
    <message>
        <source>pending reboot</source>
        <translation>재부팅 대기</translation>
    </message>
    <message>
        <source>row remap failed</source>
        <translation>행 재매핑 실패</translation>
    </message>
    <message>
        <source>row remap pending (reset)</source>
        <translation>행 재매핑 대기(리셋 필요)</translation>
    </message>
    <message>
        <source>rows remapped as needed</source>
        <translation>행 재매핑 정상</translation>
    </message>
</context>
<context>
    <name>NodeHistoryPlot</name>
    <message>
        <source>GPU utilisation %</source>
        <translation>GPU 사용률 %</translation>
    </message>
    <message>
        <source>GPU memory used %</source>
        <translation>GPU 메모리 사용 %</translation>
    </message>
    <message>
        <source>GPU temperature °C</source>
        <translation>GPU 온도 °C</translation>
    </message>
    <message>
        <source>GPU power W</source>
        <translation>GPU 전력 W</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>GPU %1</source>
        <translation>GPU %1</translation>
    </message>
    <message>
        <source>mean of GPUs</source>
        <translation>GPU 평균</translation>
    </message>
    <message>
        <source>highest GPU</source>
        <translation>GPU 최고값</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>History is not kept in this session</source>
        <translation>이 세션에서는 이력을 저장하지 않습니다</translation>
    </message>
    <message>
        <source>History unavailable: %1</source>
        <translation>이력을 읽을 수 없음: %1</translation>
    </message>
    <message>
        <source>Loading history…</source>
        <translation>이력을 불러오는 중…</translation>
    </message>
    <message>
        <source>Nothing recorded in this range</source>
        <translation>이 기간의 기록이 없습니다</translation>
    </message>
</context>
<context>
    <name>NodeStatuses</name>
    <message>
        <source>live</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>지연</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>대기</translation>
    </message>
    <message>
        <source>probe error</source>
        <translation>프로브 오류</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>연결 불가</translation>
    </message>
    <message>
        <source>auth failed</source>
        <translation>인증 실패</translation>
    </message>
    <message>
        <source>host key unknown</source>
        <translation>호스트 키 미확인</translation>
    </message>
    <message>
        <source>host key changed</source>
        <translation>호스트 키 변경됨</translation>
    </message>
</context>
<context>
    <name>NodeTable</name>
    <message>
        <source>Filter nodes: name, organisation, sector, status</source>
        <translation>노드 검색: 이름, 기관, 부문, 상태</translation>
    </message>
    <message>
        <source>Filter nodes (Ctrl+F)</source>
        <translation>노드 검색 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Sector shown</source>
        <translation>표시할 부문</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>All sectors</source>
        <translation>전체 부문</translation>
    </message>
    <message>
        <source>Trust host key…</source>
        <translation>호스트 키 신뢰…</translation>
    </message>
    <message>
        <source>On the way to node %1, %2 presented a host key the console does not know:

%3

%4

Trusting it trusts %2 (this key, for this host only). Do so only if this fingerprint matches the one its administrator gave you (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on that host).</source>
        <translation>노드 %1(으)로 가는 경유 호스트 %2이(가) 콘솔이 모르는 호스트 키를 제시했습니다:

%3

%4

신뢰하면 %2을(를) 신뢰합니다(이 키를, 이 호스트에 대해서만). 이 지문이 해당 호스트 관리자가 알려 준 지문(그 호스트에서 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)과 같을 때만 신뢰하십시오.</translation>
    </message>
    <message>
        <source>Node %1 presented a host key the console does not know:

%2

%3

Trust it only if this fingerprint matches the one the node&apos;s administrator gave you (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the node).</source>
        <translation>노드 %1이(가) 콘솔이 모르는 호스트 키를 제시했습니다:

%2

%3

노드 관리자가 알려 준 지문(노드에서 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)과 일치할 때만 신뢰하십시오.</translation>
    </message>
    <message>
        <source>Trust host key?</source>
        <translation>이 호스트 키를 신뢰할까요?</translation>
    </message>
</context>
<context>
    <name>NodeTableModel</name>
    <message>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU 수</translation>
    </message>
    <message>
        <source>Util %</source>
        <translation>사용률 %</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>사용 중</translation>
    </message>
    <message>
        <source>Memory GiB</source>
        <translation>메모리 GiB</translation>
    </message>
    <message>
        <source>Max °C</source>
        <translation>최고 °C</translation>
    </message>
    <message>
        <source>Power kW</source>
        <translation>전력 kW</translation>
    </message>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>Age s</source>
        <translation>경과(초)</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>Fleet overview</source>
        <translation>전체 현황</translation>
    </message>
</context>
<context>
    <name>PendingReason</name>
    <message>
        <source>at its cap</source>
        <translation>한도 도달</translation>
    </message>
    <message>
        <source>out of GPU-minutes</source>
        <translation>GPU-분 소진</translation>
    </message>
    <message>
        <source>user at the QOS limit</source>
        <translation>사용자 QOS 한도 도달</translation>
    </message>
    <message>
        <source>account at its cap</source>
        <translation>계정 한도 도달</translation>
    </message>
    <message>
        <source>no free GPUs</source>
        <translation>남는 GPU 없음</translation>
    </message>
    <message>
        <source>others first</source>
        <translation>우선순위 대기</translation>
    </message>
    <message>
        <source>waits for another job</source>
        <translation>다른 작업 대기</translation>
    </message>
    <message>
        <source>starts later</source>
        <translation>예약 시각 대기</translation>
    </message>
    <message>
        <source>held by its user</source>
        <translation>사용자가 보류</translation>
    </message>
    <message>
        <source>held by an administrator</source>
        <translation>관리자가 보류</translation>
    </message>
    <message>
        <source>its nodes are unavailable</source>
        <translation>요청 노드 사용 불가</translation>
    </message>
    <message>
        <source>partition down</source>
        <translation>파티션 중단</translation>
    </message>
    <message>
        <source>not yet considered</source>
        <translation>아직 검토 전</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Leave kiosk mode</source>
        <translation>키오스크 모드 종료</translation>
    </message>
    <message>
        <source>Enter the PIN to leave kiosk mode.</source>
        <translation>키오스크 모드를 끝내려면 PIN을 입력하세요.</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>PIN이 틀렸습니다.</translation>
    </message>
</context>
<context>
    <name>Planner</name>
    <message>
        <source>The targets add up to {targets} GPUs; the fleet has {total}.</source>
        <translation>목표 합계는 {targets} GPU, 전체 GPU는 {total}개입니다.</translation>
    </message>
    <message>
        <source>{sector}: asked {want} GPUs, gets {gets} (whole nodes only).</source>
        <translation>{sector}: 목표 {want} GPU, 노드 단위로 {gets} GPU.</translation>
    </message>
    <message>
        <source>{need} has {demand} GPUs of queued work and {donor} holds {borrowed} GPUs above its guarantee, {idle} of its GPUs idle: move {nodes} idle node(s) ({gpus} GPUs) from {donor} to {need}.</source>
        <translation>{need} 부문에 대기 작업 {demand} GPU가 있고 {donor} 부문은 최소 보장량보다 {borrowed} GPU를 더 가지고 있고 {idle} GPU가 유휴입니다: 유휴 노드 {nodes}대({gpus} GPU)를 {donor}에서 {need}(으)로 옮기십시오.</translation>
    </message>
</context>
<context>
    <name>PreviewPanel</name>
    <message>
        <source>Before → after</source>
        <translation>이전 → 이후</translation>
    </message>
    <message>
        <source>Nodes that drain first (running work continues)</source>
        <translation>먼저 드레인할 노드 (실행 중인 작업은 계속됨)</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>검사</translation>
    </message>
    <message>
        <source>Recommendations</source>
        <translation>추천</translation>
    </message>
    <message>
        <source>Nodes that drain first</source>
        <translation>먼저 드레인할 노드</translation>
    </message>
    <message>
        <source>Why the guarantee is overridden</source>
        <translation>보장량을 무시하는 이유</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU 수</translation>
    </message>
    <message>
        <source>Guarantee</source>
        <translation>최소 보장</translation>
    </message>
    <message>
        <source>Cap</source>
        <translation>상한</translation>
    </message>
    <message>
        <source>Busy / idle</source>
        <translation>사용 / 유휴</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>대기</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>이동</translation>
    </message>
    <message>
        <source>Running work</source>
        <translation>실행 중인 작업</translation>
    </message>
    <message>
        <source>Expected end</source>
        <translation>예상 종료</translation>
    </message>
    <message>
        <source>Override guarantee</source>
        <translation>최소 보장 예외 승인</translation>
    </message>
    <message>
        <source>Justification (at least 10 characters)</source>
        <translation>사유 (10자 이상)</translation>
    </message>
    <message>
        <source>No plan: drag nodes to another sector, or set targets and plan.</source>
        <translation>계획 없음: 노드를 다른 부문으로 끌어 놓거나 목표를 정하고 계획하십시오.</translation>
    </message>
    <message>
        <source>The plan passes every check.</source>
        <translation>계획이 모든 검사를 통과했습니다.</translation>
    </message>
    <message>
        <source>%1 jobs</source>
        <translation>작업 %1개</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>알 수 없음</translation>
    </message>
</context>
<context>
    <name>Prometheus</name>
    <message>
        <source>{url} answered a {kind} where a vector was expected</source>
        <translation>{url}이(가) 벡터 대신 {kind}을(를) 응답했습니다</translation>
    </message>
    <message>
        <source>{url} answered a {kind} where a matrix was expected</source>
        <translation>{url}이(가) 행렬 대신 {kind}을(를) 응답했습니다</translation>
    </message>
    <message>
        <source>{url} did not answer within {seconds:g} s</source>
        <translation>{url}이(가) {seconds:g}초 안에 응답하지 않았습니다</translation>
    </message>
    <message>
        <source>cannot reach Prometheus at {url}: {reason}</source>
        <translation>{url}의 Prometheus에 연결할 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>{url} answered more than {mib} MiB; refusing it</source>
        <translation>{url}의 응답이 {mib} MiB를 넘어 거부했습니다</translation>
    </message>
    <message>
        <source>{url} answered something that is not JSON (not a Prometheus query API?)</source>
        <translation>{url}의 응답이 JSON이 아닙니다 (Prometheus 쿼리 API가 아닌가요?)</translation>
    </message>
    <message>
        <source>{url} refused the query: {error}</source>
        <translation>{url}이(가) 쿼리를 거부했습니다: {error}</translation>
    </message>
    <message>
        <source>{url} answered JSON of an unknown shape</source>
        <translation>{url}이(가) 알 수 없는 형태의 JSON을 응답했습니다</translation>
    </message>
    <message>
        <source>{url} answered HTTP {code}</source>
        <translation>{url}이(가) HTTP {code}을(를) 응답했습니다</translation>
    </message>
    <message>
        <source>exporter {instance} (job {job}) is down: Prometheus cannot scrape it</source>
        <translation>익스포터 {instance}(작업 {job})가 중단됨: Prometheus가 수집할 수 없습니다</translation>
    </message>
    <message>
        <source>serve reports this node {state}</source>
        <translation>serve가 이 노드를 {state} 상태로 보고합니다</translation>
    </message>
    <message>
        <source>{url} has no {series} series: start `hangang-console serve` and let Prometheus scrape it, or give the fleet file with --inventory</source>
        <translation>{url}에 {series} 시계열이 없습니다: `hangang-console serve`를 시작해 Prometheus가 수집하게 하거나, --inventory로 플릿 파일을 지정하세요</translation>
    </message>
</context>
<context>
    <name>QuotaApplyDialog</name>
    <message>
        <source>Undo the last cap change</source>
        <translation>마지막 상한 변경 되돌리기</translation>
    </message>
    <message>
        <source>Apply the new caps</source>
        <translation>새 상한 적용</translation>
    </message>
    <message>
        <source>%1 sector caps change, %2 GPUs of cap move:</source>
        <translation>부문 상한 %1개가 바뀌고 상한 %2 GPU가 옮겨집니다:</translation>
    </message>
    <message>
        <source>Slurm applies the caps at once: running jobs are not touched; new jobs above a cap wait.</source>
        <translation>Slurm이 상한을 즉시 적용합니다. 실행 중인 작업은 그대로 두고, 상한을 넘는 새 작업은 대기합니다.</translation>
    </message>
    <message>
        <source>Checks overridden: %1</source>
        <translation>검사 무시: %1</translation>
    </message>
</context>
<context>
    <name>QuotaBackend</name>
    <message>
        <source>Cannot read the caps in {path}: {error}</source>
        <translation>{path}에서 한도를 읽을 수 없습니다: {error}</translation>
    </message>
    <message>
        <source>The caps changed since they were read (version {planned}, now {now}): plan again.</source>
        <translation>한도를 읽은 뒤 바뀌었습니다(버전 {planned} → {now}). 다시 계획하십시오.</translation>
    </message>
    <message>
        <source>GPU caps per sector in the console&apos;s own store (no scheduler)</source>
        <translation>부문별 GPU 한도를 콘솔 자체 저장소에 보관(스케줄러 없음)</translation>
    </message>
    <message>
        <source>borrowing via QOS {qos}</source>
        <translation>QOS {qos}로 빌려 쓰기</translation>
    </message>
</context>
<context>
    <name>QuotaBoard</name>
    <message>
        <source>Recovering the caps…</source>
        <translation>상한을 복구하는 중…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Undo last change…</source>
        <translation>마지막 변경 되돌리기…</translation>
    </message>
    <message>
        <source>Apply…</source>
        <translation>적용…</translation>
    </message>
    <message>
        <source>Read-only: this session may not change caps.</source>
        <translation>읽기 전용: 이 세션은 상한을 바꿀 수 없습니다.</translation>
    </message>
    <message>
        <source>Choose two different sectors that both have a GPU cap.</source>
        <translation>GPU 상한이 있는 서로 다른 두 부문을 고르십시오.</translation>
    </message>
    <message>
        <source>A change is being applied.</source>
        <translation>변경을 적용하는 중입니다.</translation>
    </message>
    <message>
        <source>An interrupted cap change waits: finish it or roll it back first.</source>
        <translation>중단된 상한 변경이 남아 있습니다. 먼저 마치거나 되돌리십시오.</translation>
    </message>
    <message>
        <source>The caps cannot be read now: apply once a read succeeds.</source>
        <translation>지금은 상한을 읽을 수 없습니다. 읽기에 성공한 뒤 적용하십시오.</translation>
    </message>
    <message>
        <source>Set a new cap or move cap between sectors first.</source>
        <translation>먼저 새 상한을 정하거나 부문 사이에 상한을 옮기십시오.</translation>
    </message>
    <message>
        <source>The caps changed since this plan: clear it and plan again.</source>
        <translation>이 계획 이후 상한이 바뀌었습니다. 계획을 지우고 다시 세우십시오.</translation>
    </message>
    <message>
        <source>The new caps fail a check (see Checks).</source>
        <translation>새 상한이 검사를 통과하지 못했습니다 (검사 참조).</translation>
    </message>
    <message>
        <source>Apply the new caps (asks for a reason)</source>
        <translation>새 상한 적용 (사유를 묻습니다)</translation>
    </message>
    <message>
        <source>Nothing to undo now.</source>
        <translation>지금 되돌릴 변경이 없습니다.</translation>
    </message>
    <message>
        <source>Applying the new caps…</source>
        <translation>새 상한을 적용하는 중…</translation>
    </message>
    <message>
        <source>Applied: the new caps are in force.</source>
        <translation>적용됨: 새 상한이 적용되었습니다.</translation>
    </message>
    <message>
        <source>Undone: the caps are back.</source>
        <translation>되돌림: 상한이 이전으로 돌아갔습니다.</translation>
    </message>
    <message>
        <source>Tick “Override the checks”, write why, and undo again.</source>
        <translation>“검사 무시”를 선택하고 사유를 적은 뒤 다시 되돌리십시오.</translation>
    </message>
    <message>
        <source>Cannot read the sector caps from the scheduler: %1</source>
        <translation>스케줄러에서 부문 상한을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>The board shows the read of %1.</source>
        <translation>보드는 %1에 읽은 값을 보여 줍니다.</translation>
    </message>
    <message>
        <source>Reading the caps…</source>
        <translation>상한을 읽는 중…</translation>
    </message>
    <message>
        <source>Read %1 · %2 GPUs shared · version %3</source>
        <translation>%1에 읽음 · 공유 GPU %2 · 버전 %3</translation>
    </message>
    <message>
        <source>running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>lent (others borrow its unused cap)</source>
        <translation>빌려줌 (다른 부문이 남는 상한을 사용)</translation>
    </message>
    <message>
        <source>borrowed above its cap</source>
        <translation>상한 초과 차용</translation>
    </message>
    <message>
        <source>cap</source>
        <translation>상한</translation>
    </message>
    <message>
        <source>guarantee</source>
        <translation>최소 보장</translation>
    </message>
    <message>
        <source>new cap</source>
        <translation>새 상한</translation>
    </message>
    <message>
        <source>Finished: the interrupted plan&apos;s caps are in force.</source>
        <translation>마침: 중단된 계획의 상한이 적용되었습니다.</translation>
    </message>
    <message>
        <source>Rolled back: the caps the interrupted plan found are back.</source>
        <translation>되돌림: 중단된 계획 이전의 상한으로 돌아갔습니다.</translation>
    </message>
</context>
<context>
    <name>QuotaColumn</name>
    <message>
        <source>Cap (GPUs)</source>
        <translation>상한 (GPU)</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>Borrowed above its cap</source>
        <translation>상한 초과 차용</translation>
    </message>
    <message>
        <source>Lent to other sectors</source>
        <translation>다른 부문에 빌려줌</translation>
    </message>
    <message>
        <source>Pending GPUs</source>
        <translation>대기 GPU</translation>
    </message>
    <message>
        <source>… pending at the cap</source>
        <translation>… 상한 때문에 대기</translation>
    </message>
    <message>
        <source>Guarantee</source>
        <translation>최소 보장</translation>
    </message>
    <message>
        <source>New cap</source>
        <translation>새 상한</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>제한 없음</translation>
    </message>
    <message>
        <source>New GPU cap of %1</source>
        <translation>%1의 새 GPU 상한</translation>
    </message>
    <message>
        <source>Cap of %1 (drag to another sector)</source>
        <translation>%1의 상한 (다른 부문으로 끌어 놓기)</translation>
    </message>
    <message>
        <source>Drag onto another sector to move the step&apos;s GPUs of cap there</source>
        <translation>다른 부문에 끌어 놓으면 이동 단위만큼 상한 GPU를 그 부문으로 옮깁니다</translation>
    </message>
</context>
<context>
    <name>QuotaCommand</name>
    <message>
        <source>Result: {result}; audit entry {entry}, plan {plan}, caps set in {s} s</source>
        <translation>결과: {result}; 감사 기록 {entry}, 계획 {plan}, 한도 설정 {s}초</translation>
    </message>
    <message>
        <source>Caps version {version}; shared partition: {gpus} healthy GPUs</source>
        <translation>한도 버전 {version}; 공유 파티션: 정상 GPU {gpus}개</translation>
    </message>
    <message>
        <source>sector           cap  guarantee  running  borrowed  lent  pending  at cap</source>
        <translation>부문             한도  최소보장   실행중   빌려씀    빌려줌  대기   한도대기</translation>
    </message>
    <message>
        <source>Cap plan {plan} against caps version {version}: {gpus} GPUs of cap move</source>
        <translation>한도 계획 {plan} (한도 버전 {version} 기준): 한도 GPU {gpus}개 이동</translation>
    </message>
    <message>
        <source>(runs {running}, waits at cap {waiting})</source>
        <translation>(실행 {running}, 한도로 대기 {waiting})</translation>
    </message>
    <message>
        <source>Predicted waits under the caps (from {jobs} jobs over {days} days):</source>
        <translation>상한에 따른 예상 대기 ({days}일 동안의 작업 {jobs}개로 계산):</translation>
    </message>
    <message>
        <source>A cap apply was interrupted: plan {plan} by {user} ({reason}). Finish it: hangang-console rebalance --mode quota --recover finish --yes; roll it back: … --recover rollback --yes (with the same fleet options).</source>
        <translation>한도 적용이 중단되었습니다: {user}의 계획 {plan} ({reason}). 마치기: hangang-console rebalance --mode quota --recover finish --yes; 되돌리기: … --recover rollback --yes (같은 장비 옵션으로).</translation>
    </message>
    <message>
        <source>Recovered ({choice}): caps now {caps}; audit entry {entry}</source>
        <translation>복구됨({choice}): 현재 한도 {caps}; 감사 기록 {entry}</translation>
    </message>
</context>
<context>
    <name>QuotaPreviewPanel</name>
    <message>
        <source>Caps before → after</source>
        <translation>상한 변경 전 → 후</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>검사</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Cap</source>
        <translation>상한</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>Guarantee</source>
        <translation>최소 보장</translation>
    </message>
    <message>
        <source>Pending at cap</source>
        <translation>상한 대기</translation>
    </message>
    <message>
        <source>A new cap takes effect at once: running jobs carry on, new jobs above the cap wait (QOSGrpGRES). Nothing drains.</source>
        <translation>새 상한은 즉시 적용됩니다. 실행 중인 작업은 계속되고 상한을 넘는 새 작업은 대기합니다 (QOSGrpGRES). 드레인은 없습니다.</translation>
    </message>
    <message>
        <source>Override the checks</source>
        <translation>검사 무시</translation>
    </message>
    <message>
        <source>Justification (at least 10 characters)</source>
        <translation>사유 (10자 이상)</translation>
    </message>
    <message>
        <source>Why the checks are overridden</source>
        <translation>검사를 무시하는 사유</translation>
    </message>
    <message>
        <source>No change: set a new cap, or move GPUs of cap between sectors.</source>
        <translation>변경 없음: 새 상한을 정하거나 부문 사이에 상한 GPU를 옮기십시오.</translation>
    </message>
    <message>
        <source>The new caps pass every check.</source>
        <translation>새 상한이 모든 검사를 통과합니다.</translation>
    </message>
</context>
<context>
    <name>QuotaRecoveryBanner</name>
    <message>
        <source>%1 is a viewer: only an operator may finish or roll back the cap change.</source>
        <translation>%1 님은 조회자입니다. 중단된 상한 변경은 운영자만 마치거나 되돌릴 수 있습니다.</translation>
    </message>
    <message>
        <source>A cap change was interrupted</source>
        <translation>상한 변경이 중단되었습니다</translation>
    </message>
    <message>
        <source>Set the caps the plan was setting</source>
        <translation>계획이 설정하던 상한을 설정합니다</translation>
    </message>
    <message>
        <source>Put back the caps the plan found</source>
        <translation>계획 이전의 상한으로 되돌립니다</translation>
    </message>
    <message>
        <source>Plan %1 by %2 (%3), started %4, stopped before it was recorded: %5. Some of these caps may already be set; no other change until it is finished or rolled back.</source>
        <translation>%2 님의 계획 %1(%3)이 %4에 시작되었으나 기록되기 전에 멈췄습니다: %5. 이 상한 중 일부는 이미 설정되었을 수 있습니다. 마치거나 되돌리기 전에는 다른 변경을 할 수 없습니다.</translation>
    </message>
    <message>
        <source>Finish plan %1? Its caps are set now; running jobs carry on.</source>
        <translation>계획 %1을 마저 적용할까요? 상한이 지금 설정되며 실행 중인 작업은 계속됩니다.</translation>
    </message>
    <message>
        <source>Roll back plan %1? The caps it found are set back.</source>
        <translation>계획 %1을 되돌릴까요? 계획 이전의 상한으로 다시 설정됩니다.</translation>
    </message>
</context>
<context>
    <name>QuotaService</name>
    <message>
        <source>A cap apply was interrupted: plan {plan} by {user} ({reason}). Finish it or roll it back first (rebalance --mode quota --recover finish|rollback).</source>
        <translation>한도 적용이 중단되었습니다: {user}의 계획 {plan} ({reason}). 먼저 마치거나 되돌리십시오(rebalance --mode quota --recover finish|rollback).</translation>
    </message>
    <message>
        <source>{error}</source>
        <translation>{error}</translation>
    </message>
    <message>
        <source>No applied cap plan {plan} in the audit log.</source>
        <translation>감사 기록에 적용된 한도 계획 {plan}이(가) 없습니다.</translation>
    </message>
    <message>
        <source>Cap plan {plan} was already undone (entry {entry}).</source>
        <translation>한도 계획 {plan}은(는) 이미 되돌렸습니다(기록 {entry}).</translation>
    </message>
    <message>
        <source>A reason is required.</source>
        <translation>사유를 적어야 합니다.</translation>
    </message>
    <message>
        <source>No interrupted cap apply to recover.</source>
        <translation>복구할 중단된 한도 적용이 없습니다.</translation>
    </message>
</context>
<context>
    <name>QuotaStrip</name>
    <message>
        <source>GPU cap (Slurm QOS)</source>
        <translation>GPU 상한 (Slurm QOS)</translation>
    </message>
    <message>
        <source>running within the cap</source>
        <translation>상한 안에서 실행 중</translation>
    </message>
    <message>
        <source>borrowed above the cap</source>
        <translation>상한 초과 차용</translation>
    </message>
    <message>
        <source>lent to other sectors</source>
        <translation>다른 부문에 빌려줌</translation>
    </message>
    <message>
        <source>GPUs waiting at the cap</source>
        <translation>상한 때문에 대기 중인 GPU</translation>
    </message>
    <message>
        <source>Caps cannot be read: %1</source>
        <translation>상한을 읽을 수 없습니다: %1</translation>
    </message>
</context>
<context>
    <name>QuotaValidation</name>
    <message>
        <source>The plan changes no cap.</source>
        <translation>이 계획은 바꾸는 한도가 없습니다.</translation>
    </message>
    <message>
        <source>The caps changed since this plan was made (version {planned}, now {now}): someone else changed a QOS first. Plan again.</source>
        <translation>계획을 만든 뒤 한도가 바뀌었습니다(버전 {planned} → {now}). 다른 사람이 먼저 QOS를 바꿨습니다. 다시 계획하십시오.</translation>
    </message>
    <message>
        <source>{sector}: a cap cannot be negative ({cap}).</source>
        <translation>{sector}: 한도는 음수일 수 없습니다({cap}).</translation>
    </message>
    <message>
        <source>The caps would add up to {caps} GPUs but the shared partition has {capacity} healthy GPUs.</source>
        <translation>한도 합계가 {caps} GPU가 되지만 공유 파티션의 정상 GPU는 {capacity}개입니다.</translation>
    </message>
    <message>
        <source>{below} Needs an override with a reason.</source>
        <translation>{below} 사유를 적은 예외 승인이 필요합니다.</translation>
    </message>
    <message>
        <source>{below} The override needs a written justification (at least {chars} characters).</source>
        <translation>{below} 예외 승인에는 {chars}자 이상의 사유가 필요합니다.</translation>
    </message>
    <message>
        <source>{below} Overridden: {why}</source>
        <translation>{below} 예외 승인: {why}</translation>
    </message>
    <message>
        <source>{sector} would have a cap of {cap} GPUs, below its guarantee of {guarantee}.</source>
        <translation>{sector} 부문의 한도가 {cap} GPU로 최소 보장량 {guarantee} GPU보다 적어집니다.</translation>
    </message>
    <message>
        <source>{sector} would have a cap of {cap} GPUs, above its maximum of {maximum}.</source>
        <translation>{sector} 부문의 한도가 {cap} GPU로 상한 {maximum} GPU를 넘습니다.</translation>
    </message>
    <message>
        <source>{sector} runs {running} GPUs now, above the new cap of {cap}: its jobs carry on, new ones wait until it is under the cap.</source>
        <translation>{sector} 부문은 지금 GPU {running}개를 쓰고 있어 새 한도 {cap}보다 많습니다. 실행 중인 작업은 계속되고, 새 작업은 한도 아래로 내려갈 때까지 기다립니다.</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Why (written to the audit log)</source>
        <translation>사유 (감사 기록에 남습니다)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>되돌리기</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>사유:</translation>
    </message>
</context>
<context>
    <name>RebalanceBoard</name>
    <message>
        <source>The console is in kiosk mode (read-only).</source>
        <translation>콘솔이 키오스크 모드(읽기 전용)입니다.</translation>
    </message>
    <message>
        <source>%1 is a viewer: only operators may apply or undo a plan.</source>
        <translation>%1 사용자는 조회자입니다. 운영자만 계획을 적용하거나 되돌릴 수 있습니다.</translation>
    </message>
    <message>
        <source>Find nodes (name, state, job)…</source>
        <translation>노드 찾기 (이름, 상태, 작업)…</translation>
    </message>
    <message>
        <source>Find nodes on the board</source>
        <translation>보드에서 노드 찾기</translation>
    </message>
    <message>
        <source>Plan to targets</source>
        <translation>목표대로 계획</translation>
    </message>
    <message>
        <source>Let the planner pick nodes so each sector with a target gets it</source>
        <translation>목표를 정한 부문이 목표에 이르도록 계획기가 노드를 고릅니다</translation>
    </message>
    <message>
        <source>Clear plan</source>
        <translation>계획 지우기</translation>
    </message>
    <message>
        <source>Re-plan on the current allocation</source>
        <translation>현재 배정으로 다시 계획</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Apply…</source>
        <translation>적용…</translation>
    </message>
    <message>
        <source>A plan is being applied.</source>
        <translation>계획을 적용하는 중입니다.</translation>
    </message>
    <message>
        <source>Finish or roll back the interrupted apply first.</source>
        <translation>중단된 적용을 먼저 마치거나 되돌리세요.</translation>
    </message>
    <message>
        <source>Drag nodes between sectors or plan to targets first.</source>
        <translation>먼저 노드를 부문 사이로 끌어 놓거나 목표대로 계획하십시오.</translation>
    </message>
    <message>
        <source>The plan has errors (see Checks).</source>
        <translation>계획에 오류가 있습니다(검사 참고).</translation>
    </message>
    <message>
        <source>Apply the plan (asks for a reason)</source>
        <translation>계획을 적용합니다 (사유를 묻습니다)</translation>
    </message>
    <message>
        <source>Cannot read the allocation: %1</source>
        <translation>배정을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Reading the allocation…</source>
        <translation>배정을 읽는 중…</translation>
    </message>
    <message>
        <source>Read %1 · version %2</source>
        <translation>%1에 읽음 · 버전 %2</translation>
    </message>
    <message>
        <source>Wait for the current apply to end.</source>
        <translation>지금 적용 중인 계획이 끝날 때까지 기다리십시오.</translation>
    </message>
    <message>
        <source>Applied: every move is done.</source>
        <translation>적용됨: 모든 이동을 마쳤습니다.</translation>
    </message>
    <message>
        <source>Cancelled: the allocation is as it was.</source>
        <translation>취소됨: 배정은 그대로입니다.</translation>
    </message>
    <message>
        <source>Failed and rolled back: %1</source>
        <translation>실패하여 되돌렸습니다: %1</translation>
    </message>
    <message>
        <source>Failed, and the rollback is incomplete (check these nodes): %1</source>
        <translation>실패했고 되돌리기도 완전하지 않습니다(이 노드를 확인하십시오): %1</translation>
    </message>
    <message>
        <source>Someone else applied first; the board is re-reading. Re-plan. (%1)</source>
        <translation>다른 사람이 먼저 적용했습니다. 배정을 다시 읽는 중입니다. 다시 계획하십시오. (%1)</translation>
    </message>
    <message>
        <source>The apply failed: %1</source>
        <translation>적용하지 못했습니다: %1</translation>
    </message>
</context>
<context>
    <name>RebalanceCommand</name>
    <message>
        <source>Conflict: {error}</source>
        <translation>충돌: {error}</translation>
    </message>
    <message>
        <source>Dry run: nothing changed.</source>
        <translation>시험 실행: 바뀐 것이 없습니다.</translation>
    </message>
    <message>
        <source>Not applied.</source>
        <translation>적용하지 않았습니다.</translation>
    </message>
    <message>
        <source>A --reason is required to apply.</source>
        <translation>적용하려면 --reason 이 필요합니다.</translation>
    </message>
    <message>
        <source>Result: {result}{error}; audit entry {entry}, plan {plan}</source>
        <translation>결과: {result}{error}; 감사 기록 {entry}, 계획 {plan}</translation>
    </message>
    <message>
        <source>Not a terminal: add --yes to apply or --dry-run.</source>
        <translation>터미널이 아닙니다: 적용하려면 --yes, 확인만 하려면 --dry-run.</translation>
    </message>
    <message>
        <source>Apply this plan? [y/N] </source>
        <translation>이 계획을 적용할까요? [y/N] </translation>
    </message>
    <message>
        <source>Allocation version {version}</source>
        <translation>배정 버전 {version}</translation>
    </message>
    <message>
        <source>sector           allocated  guarantee  max   busy  queued</source>
        <translation>부문             배정       최소보장   상한  사용  대기</translation>
    </message>
    <message>
        <source>Plan {plan} against allocation version {version}: {count} move(s)</source>
        <translation>계획 {plan} (배정 버전 {version} 기준): 이동 {count}건</translation>
    </message>
    <message>
        <source>running work</source>
        <translation>실행 중인 작업</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>유휴</translation>
    </message>
    <message>
        <source>drains first: {work}</source>
        <translation>먼저 드레인: {work}</translation>
    </message>
    <message>
        <source>(guarantee {guarantee})</source>
        <translation>(최소 보장 {guarantee})</translation>
    </message>
    <message>
        <source>predicted p90 wait: {changes}</source>
        <translation>예상 p90 대기: {changes}</translation>
    </message>
    <message>
        <source>Predicted waits: no job history for this fleet.</source>
        <translation>예상 대기: 이 클러스터의 작업 기록이 없습니다.</translation>
    </message>
    <message>
        <source>Predicted waits (from {jobs} jobs over {days} days):</source>
        <translation>예상 대기 ({days}일 동안의 작업 {jobs}개로 계산):</translation>
    </message>
</context>
<context>
    <name>RecommendationList</name>
    <message>
        <source>None now: no idle nodes above a guarantee for a sector with queued work.</source>
        <translation>지금은 없음: 대기 작업이 있는 부문에 넘길, 최소 보장을 넘는 유휴 노드가 없습니다.</translation>
    </message>
    <message>
        <source>Replaying each plan against the sectors&apos; past jobs…</source>
        <translation>각 계획을 부문들의 지난 작업으로 다시 돌려 보는 중…</translation>
    </message>
    <message>
        <source>In the planner&apos;s order.</source>
        <translation>플래너의 순서대로입니다.</translation>
    </message>
    <message>
        <source>No job history for this fleet: in the planner&apos;s order, no prediction.</source>
        <translation>이 장비군에는 작업 이력이 없습니다: 플래너의 순서대로이며 예측은 없습니다.</translation>
    </message>
    <message>
        <source>Most p90 wait saved first (then most guarantee margin left).</source>
        <translation>p90 대기를 가장 많이 줄이는 것부터(같으면 최소 보장 여유가 가장 많이 남는 것부터).</translation>
    </message>
    <message>
        <source>Use this plan</source>
        <translation>이 계획 사용</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <source>rolled back after the apply was interrupted</source>
        <translation>적용이 중단된 뒤 되돌림</translation>
    </message>
    <message>
        <source>nothing yet (it had just begun)</source>
        <translation>아직 없음(막 시작한 참이었음)</translation>
    </message>
    <message>
        <source>{node} {state}</source>
        <translation>{node} {state}</translation>
    </message>
    <message>
        <source>draining {node}</source>
        <translation>{node} 드레인 중</translation>
    </message>
    <message>
        <source>resuming {node}</source>
        <translation>{node} 재개 중</translation>
    </message>
    <message>
        <source>moving {node} from {source} to {target}</source>
        <translation>{node}을(를) {source}에서 {target}(으)로 옮기는 중</translation>
    </message>
    <message>
        <source>An apply was interrupted: plan {plan} by {user}, begun {when} ({reason}). {made} of {total} moves were made; the last step journaled: {last}. Until it is finished or rolled back, no other plan can be applied.</source>
        <translation>적용이 중단되었습니다: {user}의 계획 {plan}, {when} 시작({reason}). 이동 {total}건 중 {made}건을 마쳤고, 저널에 남은 마지막 단계는 {last}입니다. 이 적용을 마치거나 되돌리기 전에는 다른 계획을 적용할 수 없습니다.</translation>
    </message>
    <message>
        <source>finish</source>
        <translation>마치기</translation>
    </message>
    <message>
        <source>roll back</source>
        <translation>되돌리기</translation>
    </message>
    <message>
        <source>No interrupted apply of plan {plan}.</source>
        <translation>계획 {plan}의 중단된 적용이 없습니다.</translation>
    </message>
    <message>
        <source>Finish it: hangang-console rebalance --recover finish --yes; roll it back: hangang-console rebalance --recover rollback --yes (with the same fleet options).</source>
        <translation>마치려면 hangang-console rebalance --recover finish --yes, 되돌리려면 hangang-console rebalance --recover rollback --yes (플릿 옵션은 같게)</translation>
    </message>
    <message>
        <source>Nothing to recover: no apply was interrupted.</source>
        <translation>복구할 것이 없습니다: 중단된 적용이 없습니다.</translation>
    </message>
    <message>
        <source>Nothing done.</source>
        <translation>아무것도 하지 않았습니다.</translation>
    </message>
    <message>
        <source>Recovery ({choice}): {result}{error}; audit entries {crash} (the interruption) and {entry} (the outcome), plan {plan}</source>
        <translation>복구({choice}): {result}{error}; 감사 기록 {crash}(중단)과 {entry}(결과), 계획 {plan}</translation>
    </message>
    <message>
        <source>{count} more interrupted apply(s) remain.</source>
        <translation>중단된 적용이 {count}건 더 남아 있습니다.</translation>
    </message>
    <message>
        <source>Not a terminal: add --yes to {choice} the interrupted apply.</source>
        <translation>터미널이 아닙니다: 중단된 적용 {choice}에는 --yes 가 필요합니다.</translation>
    </message>
    <message>
        <source>{choice} the interrupted apply? [y/N] </source>
        <translation>중단된 적용 {choice}를 할까요? [y/N] </translation>
    </message>
    <message>
        <source>yes</source>
        <translation>예</translation>
    </message>
    <message>
        <source>y (on a Korean keyboard layout)</source>
        <translation>ㅛ</translation>
    </message>
</context>
<context>
    <name>RecoveryBanner</name>
    <message>
        <source>%1 is a viewer: only an operator may finish or roll back the interrupted apply.</source>
        <translation>%1 사용자는 조회자입니다. 중단된 적용은 운영자만 마치거나 되돌릴 수 있습니다.</translation>
    </message>
    <message>
        <source>An apply was interrupted</source>
        <translation>적용이 중단되었습니다</translation>
    </message>
    <message>
        <source>Drain what is left, move it and resume every node of the plan</source>
        <translation>남은 노드를 드레인해 옮기고 계획의 모든 노드를 재개합니다</translation>
    </message>
    <message>
        <source>Move back what moved and resume what the plan drained</source>
        <translation>옮긴 노드는 되돌리고 계획이 드레인한 노드는 재개합니다</translation>
    </message>
    <message>
        <source>Finish plan %1? Nodes still draining are moved when their work ends; no job is stopped.</source>
        <translation>계획 %1을(를) 마칠까요? 아직 드레인 중인 노드는 작업이 끝나면 옮깁니다. 작업을 멈추지 않습니다.</translation>
    </message>
    <message>
        <source>Roll back plan %1? Moved nodes go back to their sector and every node the plan drained takes work again.</source>
        <translation>계획 %1을(를) 되돌릴까요? 옮긴 노드는 원래 부문으로 돌아가고 계획이 드레인한 노드는 모두 다시 작업을 받습니다.</translation>
    </message>
</context>
<context>
    <name>RecoveryBannerBase</name>
    <message>
        <source>The console is in kiosk mode (read-only).</source>
        <translation>콘솔이 키오스크 모드(읽기 전용)입니다.</translation>
    </message>
    <message>
        <source>Finish it…</source>
        <translation>마치기…</translation>
    </message>
    <message>
        <source>Roll it back…</source>
        <translation>되돌리기…</translation>
    </message>
    <message>
        <source>Being recovered…</source>
        <translation>복구 중…</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>Hangang AI Center</source>
        <translation>한강 AI 센터</translation>
    </message>
    <message>
        <source>GPU usage report</source>
        <translation>GPU 이용 보고서</translation>
    </message>
    <message>
        <source>Used GPU-hours</source>
        <translation>사용 GPU시간</translation>
    </message>
    <message>
        <source>Average GPU utilisation %</source>
        <translation>평균 GPU 사용률 %</translation>
    </message>
    <message>
        <source>Node availability %</source>
        <translation>노드 가용률 %</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>장애 건수</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>기간</translation>
    </message>
    <message>
        <source>Sectors</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>All sectors</source>
        <translation>전체 부문</translation>
    </message>
    <message>
        <source>Generated at</source>
        <translation>작성 일시</translation>
    </message>
    <message>
        <source>Generated by</source>
        <translation>작성자</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>시간대</translation>
    </message>
    <message>
        <source>Page {page} of {pages}</source>
        <translation>쪽 {page} / {pages}</translation>
    </message>
    <message>
        <source>met</source>
        <translation>충족</translation>
    </message>
    <message>
        <source>not met</source>
        <translation>미충족</translation>
    </message>
    <message>
        <source>1. Summary by sector</source>
        <translation>1. 부문별 요약</translation>
    </message>
    <message>
        <source>Previous period: {previous}. The change is in used GPU-hours.</source>
        <translation>이전 기간: {previous}. 증감은 사용 GPU시간 기준입니다.</translation>
    </message>
    <message>
        <source>Hours recorded: {now:.1f} % of this period, {before:.1f} % of the previous one.</source>
        <translation>기록된 시간은 이 기간의 {now:.1f} %, 이전 기간의 {before:.1f} %입니다.</translation>
    </message>
    <message>
        <source>2. Over the period</source>
        <translation>2. 추이</translation>
    </message>
    <message>
        <source>Average GPU utilisation by sector (%, {step}-hour means)</source>
        <translation>부문별 평균 GPU 사용률 (%, {step}시간 평균)</translation>
    </message>
    <message>
        <source>Allocated and used GPUs by sector (mean GPUs, {step}-hour means)</source>
        <translation>부문별 배정 GPU와 사용 GPU (평균 GPU 수, {step}시간 평균)</translation>
    </message>
    <message>
        <source>Daily mean GPU utilisation by node (rows: nodes, columns: days)</source>
        <translation>노드별 일평균 GPU 사용률 (행: 노드, 열: 날짜)</translation>
    </message>
    <message>
        <source>allocated</source>
        <translation>배정</translation>
    </message>
    <message>
        <source>used</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>entitled</source>
        <translation>보장</translation>
    </message>
    <message>
        <source>nothing recorded</source>
        <translation>기록 없음</translation>
    </message>
    <message>
        <source>3. Top organisations by used GPU-hours</source>
        <translation>3. 부문별 상위 기관 (사용 GPU시간)</translation>
    </message>
    <message>
        <source>(no organisation)</source>
        <translation>(기관 없음)</translation>
    </message>
    <message>
        <source>Nothing was used in this period.</source>
        <translation>이 기간에 사용 기록이 없습니다.</translation>
    </message>
    <message>
        <source>4. Health</source>
        <translation>4. 안정성</translation>
    </message>
    <message>
        <source>Node availability</source>
        <translation>노드 가용률</translation>
    </message>
    <message>
        <source>Least available nodes</source>
        <translation>가용률이 가장 낮은 노드</translation>
    </message>
    <message>
        <source>Every node answered for all the hours recorded.</source>
        <translation>모든 노드가 기록된 시간 내내 응답했습니다.</translation>
    </message>
    <message>
        <source>Incidents (counts and durations in hours, by type)</source>
        <translation>장애 (유형별 건수와 지속 시간, 시간 단위)</translation>
    </message>
    <message>
        <source>The {shown} longest incidents ({total} in all, every one in the CSV)</source>
        <translation>가장 길었던 장애 {shown}건 (전체 {total}건은 CSV에 있음)</translation>
    </message>
    <message>
        <source>No incidents recorded in this period.</source>
        <translation>이 기간에 기록된 장애가 없습니다.</translation>
    </message>
    <message>
        <source>open</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <source>5. Capacity changes (rebalances)</source>
        <translation>5. 용량 변경 (재배치)</translation>
    </message>
    <message>
        <source>No capacity changes in this period.</source>
        <translation>이 기간에 용량 변경이 없습니다.</translation>
    </message>
    <message>
        <source>Appendix: method</source>
        <translation>부록: 산출 방법</translation>
    </message>
    <message>
        <source>Data read</source>
        <translation>읽은 데이터</translation>
    </message>
    <message>
        <source>Every number in the tables and charts is also written to CSV files (UTF-8) named after them.</source>
        <translation>모든 표와 그래프의 수치는 같은 이름의 CSV 파일(UTF-8)로 함께 저장됩니다.</translation>
    </message>
    <message>
        <source>{day} {month} {year}</source>
        <comment>a date</comment>
        <translation>{year}년 {month} {day}일</translation>
    </message>
    <message>
        <source>Predicted waits (the rebalance board and rebalance --dry-run)</source>
        <translation>예상 대기(재배분 보드와 rebalance --dry-run)</translation>
    </message>
    <message>
        <source>No job history was given to this report, so it names no period learned from. The prediction replays each sector&apos;s past jobs against its GPUs as Slurm&apos;s backfill would; it does not see work already running at the start, fair share between users, users submitting differently once waits change, or node failures.</source>
        <translation>이 보고서에는 작업 이력이 주어지지 않아, 학습한 기간을 밝히지 않습니다. 예측은 각 부문의 지난 작업을 그 GPU에 대해 Slurm의 백필처럼 다시 돌려 봅니다. 시작할 때 이미 돌고 있던 작업, 사용자 사이의 공정 배분, 대기가 바뀐 뒤 달라지는 사용자의 제출, 노드 장애는 보지 못합니다.</translation>
    </message>
    <message>
        <source>In quota mode (the quota board and rebalance --mode quota --dry-run) every sector&apos;s jobs are replayed together on the shared partition, each sector&apos;s own jobs held to its QOS cap; a job at its cap does not hold back the others. With a borrow QOS, a job submitted while its sector&apos;s jobs fill the cap goes to the borrow QOS: it runs at lower priority on GPUs nobody holds and is requeued when an owner&apos;s job needs them (after the grace time; it may start again from zero only once the credential&apos;s lifetime has passed, and its wait counts until the run that finishes). Checked against Slurm on short runs; over long runs with much borrowing the waits are less sure than the range says. The resampled days are the same for every sector.</source>
        <translation>할당량 모드(할당량 보드와 rebalance --mode quota --dry-run)에서는 모든 부문의 작업을 공유 파티션에서 함께 다시 돌려 보며, 각 부문 자신의 작업은 그 QOS 상한까지만 씁니다. 상한에 걸린 작업은 다른 작업을 막지 않습니다. 차용 QOS가 있으면 부문의 작업이 상한을 채운 때 제출된 작업은 차용 QOS로 가서, 아무도 쓰지 않는 GPU에서 낮은 우선순위로 돌고, 주인 부문의 작업이 그 GPU를 필요로 하면 재대기열에 들어갑니다(유예 시간 뒤; 자격 증명의 수명이 지난 뒤에야 처음부터 다시 시작할 수 있으며, 대기는 끝까지 도는 실행이 시작될 때까지 셉니다). 짧은 실행에서 Slurm과 비교해 검증했으며, 빌려 쓰기가 많은 긴 기간에서는 대기가 범위가 말하는 것보다 덜 확실합니다. 다시 뽑는 날들은 모든 부문에 같습니다.</translation>
    </message>
</context>
<context>
    <name>ReportCommand</name>
    <message>
        <source>wrote {pdf} ({pages} pages) and {csv} CSV files in {csv_dir} ({seconds:.1f} s)</source>
        <translation>{pdf} ({pages}쪽) 작성, CSV {csv}개 → {csv_dir} ({seconds:.1f}초)</translation>
    </message>
    <message>
        <source>wrote {pdf} ({pages} pages) ({seconds:.1f} s)</source>
        <translation>{pdf} ({pages}쪽) 작성 ({seconds:.1f}초)</translation>
    </message>
    <message>
        <source>nothing to report</source>
        <translation>보고할 이력이 없습니다</translation>
    </message>
    <message>
        <source>cannot write</source>
        <translation>쓸 수 없는 경로</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Report</source>
        <translation>보고서</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>어제</translation>
    </message>
    <message>
        <source>Last week</source>
        <translation>지난주</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>지난달</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>날짜 지정</translation>
    </message>
    <message>
        <source>from</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>to</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>기간</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>Sectors</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>PDF file</source>
        <translation>PDF 파일</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>선택…</translation>
    </message>
    <message>
        <source>Also write the CSV of every table and chart beside it</source>
        <translation>모든 표와 그래프의 CSV도 옆에 저장</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>만들기</translation>
    </message>
    <message>
        <source>History is not kept in this session</source>
        <translation>이 세션에서는 이력을 저장하지 않습니다</translation>
    </message>
    <message>
        <source>Choose at least one sector</source>
        <translation>부문을 하나 이상 고르세요</translation>
    </message>
    <message>
        <source>Making the report…</source>
        <translation>보고서를 만드는 중…</translation>
    </message>
    <message>
        <source>Wrote %1 (%2 pages)</source>
        <translation>%1 작성 (%2쪽)</translation>
    </message>
    <message>
        <source>and %1 CSV files in %2</source>
        <translation>CSV 파일 %1개: %2</translation>
    </message>
    <message>
        <source>Nothing recorded in this period (%1)</source>
        <translation>이 기간에 기록된 이력이 없습니다 (%1)</translation>
    </message>
    <message>
        <source>No report: %1</source>
        <translation>보고서를 만들지 못했습니다: %1</translation>
    </message>
    <message>
        <source>Save report</source>
        <translation>보고서 저장</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 파일 (*.pdf)</translation>
    </message>
</context>
<context>
    <name>ReportEnergy</name>
    <message>
        <source>6. Energy and carbon</source>
        <translation>6. 에너지와 탄소</translation>
    </message>
    <message>
        <source>Facility kWh = (GPU + CPU kWh) × PUE {pue}; tCO2e = facility kWh × {grid} kgCO2e/kWh ÷ 1,000. Estimated %: the part of the GPU energy integrated from power, not read from a counter. The change is in facility kWh against {previous}.</source>
        <translation>시설 kWh = (GPU + CPU kWh) × PUE {pue}, tCO2e = 시설 kWh × {grid} kgCO2e/kWh ÷ 1,000. 추정 %: GPU 전력량 중 카운터가 아니라 전력을 적분해 얻은 부분. 변화는 {previous} 대비 시설 kWh의 변화입니다.</translation>
    </message>
    <message>
        <source>No energy was recorded in this period.</source>
        <translation>이 기간에 기록된 전력량이 없습니다.</translation>
    </message>
    <message>
        <source>the average of the Uptime Institute Global Data Center Survey 2023</source>
        <translation>Uptime Institute 글로벌 데이터 센터 조사 2023 평균</translation>
    </message>
    <message>
        <source>Korea&apos;s national grid emission factor, Greenhouse Gas Inventory and Research Center (GIR), 0.4594 tCO2e/MWh</source>
        <translation>한국 국가 전력 배출계수, 온실가스종합정보센터(GIR), 0.4594 tCO2e/MWh</translation>
    </message>
    <message>
        <source>the centre&apos;s own value, from its settings file</source>
        <translation>센터 설정 파일의 자체 값</translation>
    </message>
    <message>
        <source>GPU energy: the difference between consecutive samples of each GPU&apos;s energy counter (NVML nvmlDeviceGetTotalEnergyConsumption, or DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION through Prometheus).</source>
        <translation>GPU 전력량: 각 GPU 에너지 카운터(NVML nvmlDeviceGetTotalEnergyConsumption, 또는 Prometheus를 거친 DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION)의 연속된 두 샘플 사이 차이.</translation>
    </message>
    <message>
        <source>Estimated energy: a GPU without a counter (NVML says not supported) has its power integrated over time instead; so has an interval where the counter went back (driver reload, reboot, wrap) or rose more than any GPU draws. The estimated share says how much of each sector&apos;s GPU energy was made so.</source>
        <translation>추정 전력량: 카운터가 없는 GPU(NVML이 지원하지 않음)는 대신 전력을 시간에 대해 적분합니다. 카운터가 되돌아가거나(드라이버 재적재, 재부팅, 순환) 어떤 GPU도 쓸 수 없을 만큼 오른 구간도 마찬가지입니다. 추정 비율은 각 부문 GPU 전력량 중 이렇게 얻은 몫입니다.</translation>
    </message>
    <message>
        <source>A gap is a gap: while a node does not answer, or when two of its samples are too far apart, no energy is counted; nothing is drawn across the gap.</source>
        <translation>빈 구간은 빈 구간입니다: 노드가 응답하지 않는 동안이나 두 샘플 사이가 너무 멀 때는 전력량을 세지 않으며, 빈 구간을 직선으로 잇지 않습니다.</translation>
    </message>
    <message>
        <source>Energy is charged as GPU-hours are: to the organisation the GPU worked for and the node&apos;s sector. A MIG GPU&apos;s energy is split by each slice&apos;s share of the GPU, its profile&apos;s compute slices of seven (3g.40gb: 3/7); idle and unallocated slices go to the GPU&apos;s owner.</source>
        <translation>전력량은 GPU 시간과 똑같이 GPU가 일한 기관과 노드의 부문에 부과됩니다. MIG GPU의 전력량은 각 슬라이스가 GPU에서 차지하는 몫, 곧 프로파일의 연산 슬라이스 수 / 7(3g.40gb: 3/7)로 나누며, 유휴·미할당 슬라이스는 GPU 소유 기관에 갑니다.</translation>
    </message>
    <message>
        <source>CPU energy: the CPU packages&apos; RAPL counters (/sys/class/powercap) where a node exposes them, charged to the node&apos;s organisation and shown apart from the GPUs&apos;. IT energy is GPU + CPU energy.</source>
        <translation>CPU 전력량: 노드가 제공하는 경우 CPU 패키지의 RAPL 카운터(/sys/class/powercap)로, 노드의 기관에 부과되며 GPU와 따로 표시합니다. IT 전력량 = GPU + CPU 전력량.</translation>
    </message>
    <message>
        <source>Facility energy: IT energy × PUE {pue} ({source}).</source>
        <translation>시설 전력량: IT 전력량 × PUE {pue} ({source}).</translation>
    </message>
    <message>
        <source>Emissions: facility energy × the grid emission factor {grid} kgCO2e/kWh ({source}); printed in tonnes (tCO2e).</source>
        <translation>배출량: 시설 전력량 × 전력 배출계수 {grid} kgCO2e/kWh ({source}), 톤 단위(tCO2e)로 표시합니다.</translation>
    </message>
</context>
<context>
    <name>ReportHeaders</name>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>#</source>
        <translation>순위</translation>
    </message>
    <message>
        <source>Entitled GPU-h</source>
        <translation>보장 GPU시간</translation>
    </message>
    <message>
        <source>Allocated GPU-h</source>
        <translation>배정 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h</source>
        <translation>사용 GPU시간</translation>
    </message>
    <message>
        <source>SU</source>
        <translation>SU</translation>
    </message>
    <message>
        <source>Avg util %</source>
        <translation>평균 사용률 %</translation>
    </message>
    <message>
        <source>Entitlement met</source>
        <translation>보장 충족</translation>
    </message>
    <message>
        <source>Previous used</source>
        <translation>이전 기간 사용</translation>
    </message>
    <message>
        <source>Change %</source>
        <translation>증감 %</translation>
    </message>
    <message>
        <source>Share of sector %</source>
        <translation>부문 내 비중 %</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>노드 수</translation>
    </message>
    <message>
        <source>Recorded node-h</source>
        <translation>기록 노드시간</translation>
    </message>
    <message>
        <source>Down node-h</source>
        <translation>중단 노드시간</translation>
    </message>
    <message>
        <source>Availability %</source>
        <translation>가용률 %</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>Down h</source>
        <translation>중단 시간</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>유형</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>건수</translation>
    </message>
    <message>
        <source>Open at end</source>
        <translation>기간 말 미해결</translation>
    </message>
    <message>
        <source>Total h</source>
        <translation>총 지속 시간</translation>
    </message>
    <message>
        <source>Longest h</source>
        <translation>최장 시간</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>지속 시간</translation>
    </message>
    <message>
        <source>When</source>
        <translation>일시</translation>
    </message>
    <message>
        <source>By</source>
        <translation>수행자</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>Moves</source>
        <translation>이동</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>결과</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>저장소</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>행 수</translation>
    </message>
    <message>
        <source>GPU kWh</source>
        <translation>GPU kWh</translation>
    </message>
    <message>
        <source>Estimated %</source>
        <translation>추정 %</translation>
    </message>
    <message>
        <source>CPU kWh</source>
        <translation>CPU kWh</translation>
    </message>
    <message>
        <source>Facility kWh</source>
        <translation>시설 kWh</translation>
    </message>
    <message>
        <source>tCO2e</source>
        <translation>tCO2e</translation>
    </message>
    <message>
        <source>Previous facility kWh</source>
        <translation>이전 시설 kWh</translation>
    </message>
</context>
<context>
    <name>ReportIdleJobs</name>
    <message>
        <source>8. Idle-allocated GPUs and efficiency</source>
        <translation>8. 배정되었으나 쓰지 않은 GPU와 효율</translation>
    </message>
    <message>
        <source>Efficiency by sector</source>
        <translation>부문별 효율</translation>
    </message>
    <message>
        <source>Jobs with the most GPU-hours at 0 %</source>
        <translation>0 % GPU시간이 가장 많은 작업</translation>
    </message>
    <message>
        <source>Efficiency by organisation</source>
        <translation>기관별 효율</translation>
    </message>
    <message>
        <source>The console recorded no per-job usage: it does so while it reads Slurm&apos;s running jobs (scontrol show job -d).</source>
        <translation>콘솔에 작업별 사용 기록이 없습니다: 콘솔은 Slurm의 실행 중 작업을 읽는 동안(scontrol show job -d) 이를 기록합니다.</translation>
    </message>
    <message>
        <source>No Slurm job held GPUs in this period.</source>
        <translation>이 기간에 GPU를 배정받은 Slurm 작업이 없습니다.</translation>
    </message>
    <message>
        <source>No job held its GPUs all at ~0 % for {m} minutes or more.</source>
        <translation>GPU를 모두 ~0 %로 {m}분 이상 잡고 있던 작업이 없습니다.</translation>
    </message>
    <message>
        <source>From the console&apos;s samples of the GPUs Slurm allocated to each job (scontrol show job -d). Efficiency = used ÷ allocated GPU-hours, used being utilisation × time. A GPU is at ~0 % below {util} % utilisation and {mem} MiB of memory; GPU-hours at 0 % count each such GPU. Jobs are listed when all their GPUs were at ~0 % for {m} minutes or more in the period (hours at 0 %). Jobs are charged to organisations and sectors by their account, else their partition.</source>
        <translation>Slurm이 각 작업에 배정한 GPU(scontrol show job -d)를 콘솔이 측정한 값으로 계산합니다. 효율 = 사용 ÷ 배정 GPU시간이며, 사용은 사용률 × 시간입니다. 사용률 {util} % 미만이고 메모리 {mem} MiB 미만인 GPU를 ~0 %로 봅니다. 0 % GPU시간은 그런 GPU를 하나씩 셉니다. 기간 중 모든 GPU가 ~0 %였던 시간(0 % 시간)이 {m}분 이상인 작업을 나열합니다. 작업은 계정으로, 계정이 없으면 파티션으로 기관과 부문에 배정됩니다.</translation>
    </message>
    <message>
        <source>(unmapped account)</source>
        <translation>(연결되지 않은 계정)</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>작업 수</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU 수</translation>
    </message>
    <message>
        <source>Allocated GPU-h</source>
        <translation>배정 GPU시간</translation>
    </message>
    <message>
        <source>Used GPU-h</source>
        <translation>사용 GPU시간</translation>
    </message>
    <message>
        <source>GPU-h at 0 %</source>
        <translation>0 % GPU시간</translation>
    </message>
    <message>
        <source>Hours at 0 %</source>
        <translation>0 % 시간</translation>
    </message>
    <message>
        <source>Efficiency %</source>
        <translation>효율 %</translation>
    </message>
</context>
<context>
    <name>ReportMethod</name>
    <message>
        <source>Every figure comes from the history the console recorded (15-minute rollups). Days start at midnight in {tz}.</source>
        <translation>모든 수치는 콘솔이 기록한 이력(15분 단위 집계)에서 계산합니다. 하루는 {tz} 기준 0시에 시작합니다.</translation>
    </message>
    <message>
        <source>Allocated GPU-hours: GPUs assigned to the sector (its nodes) × hours, whether the GPUs reported or not.</source>
        <translation>배정 GPU시간: 부문(노드의 소속)에 배정된 GPU 수 × 시간. 응답 여부와 관계없이 셉니다.</translation>
    </message>
    <message>
        <source>Used GPU-hours: Σ utilisation/100 × hours (one GPU at 50 % for 2 h is 1 GPU-hour), charged to the organisation of the user whose process ran on the GPU, else to the node&apos;s organisation.</source>
        <translation>사용 GPU시간: GPU 사용률/100 × 시간의 합 (GPU 하나를 50 %로 2시간 쓰면 1 GPU시간). GPU에서 실행 중인 프로세스 사용자의 기관에, 알 수 없으면 노드의 기관에 부과합니다.</translation>
    </message>
    <message>
        <source>Entitled GPU-hours: the sector&apos;s guaranteed share × all GPUs × hours recorded.</source>
        <translation>보장 GPU시간: 부문의 보장 비율 × 전체 GPU 수 × 기록된 시간.</translation>
    </message>
    <message>
        <source>Entitlement met: allocated GPU-hours are at least the entitled GPU-hours (compared to one decimal, as printed).</source>
        <translation>보장 충족: 배정 GPU시간이 보장 GPU시간 이상 (소수 첫째 자리에서 비교).</translation>
    </message>
    <message>
        <source>Average utilisation %: used GPU-hours ÷ reporting GPU-hours (hours a GPU answered) × 100. The total row is computed from the totals, not averaged.</source>
        <translation>평균 사용률 %: 사용 GPU시간 ÷ 보고 GPU시간 (GPU가 응답한 시간) × 100. 합계 행은 평균의 평균이 아니라 합계에서 다시 계산합니다.</translation>
    </message>
    <message>
        <source>SU (service units): used GPU-hours × the multiplier of the GPU model (settings file; 1.0 by default).</source>
        <translation>SU(서비스 단위): 사용 GPU시간 × GPU 모델별 배수 (설정 파일, 기본 1.0).</translation>
    </message>
    <message>
        <source>Previous period: the previous calendar month for a monthly report, else the same number of days just before.</source>
        <translation>이전 기간: 월 보고서는 전월, 그 밖에는 바로 앞의 같은 길이 기간.</translation>
    </message>
    <message>
        <source>Node availability %: hours the node answered ÷ hours it was recorded × 100; down node-hours are the difference.</source>
        <translation>노드 가용률 %: 노드가 응답한 시간 ÷ 노드가 기록된 시간 × 100. 중단 노드시간은 그 차이.</translation>
    </message>
    <message>
        <source>Daily utilisation by node: Σ utilisation × hours of the node&apos;s GPUs that day ÷ their reporting GPU-hours.</source>
        <translation>노드별 일평균 사용률: 그날 노드 GPU들의 사용률 × 시간의 합 ÷ 보고 GPU시간.</translation>
    </message>
    <message>
        <source>Incident durations count only the part inside the period (start to resolution; an open incident to the end of the period).</source>
        <translation>장애 지속 시간: 보고 기간 안에 든 부분만 (시작 ~ 해소, 미해소는 기간 끝까지).</translation>
    </message>
</context>
<context>
    <name>ReportReconcile</name>
    <message>
        <source>agree</source>
        <translation>일치</translation>
    </message>
    <message>
        <source>the console charges every GPU allocated to the sector, held by a job or not</source>
        <translation>콘솔은 작업이 점유했는지와 관계없이 부문에 할당된 모든 GPU를 집계함</translation>
    </message>
    <message>
        <source>the console recorded only part of the period</source>
        <translation>콘솔이 기간의 일부만 기록함</translation>
    </message>
    <message>
        <source>jobs charged to the sector in Slurm ran on GPUs the console charges elsewhere</source>
        <translation>Slurm에서 이 부문에 집계된 작업이 콘솔에서는 다른 곳에 집계되는 GPU에서 실행됨</translation>
    </message>
    <message>
        <source>jobs whose account and partition map to no sector</source>
        <translation>계정과 파티션이 어느 부문에도 연결되지 않은 작업</translation>
    </message>
    <message>
        <source>the console has no such sector</source>
        <translation>콘솔에 없는 부문</translation>
    </message>
    <message>
        <source>7. Slurm&apos;s books beside the console&apos;s</source>
        <translation>7. Slurm 장부와 콘솔 장부 대조</translation>
    </message>
    <message>
        <source>Slurm&apos;s books are absent from this report: it was made without --from-slurm (or the fleet file has no [slurm] table), so only the console&apos;s own accounting is shown.</source>
        <translation>이 보고서에는 Slurm 장부가 없습니다. --from-slurm 없이(또는 플릿 파일에 [slurm] 표 없이) 만들어져 콘솔 자체 집계만 보여 줍니다.</translation>
    </message>
    <message>
        <source>Slurm&apos;s books could not be read: {error}</source>
        <translation>Slurm 장부를 읽을 수 없음: {error}</translation>
    </message>
    <message>
        <source>Read from {how}, at {at}.</source>
        <translation>{how}에서 {at}에 읽음.</translation>
    </message>
    <message>
        <source>Allocated GPU-hours per sector as Slurm&apos;s accounting holds them (sacct, each job clipped to the period) and as the console counted them from its samples; efficiency is the console&apos;s used GPU-hours ÷ Slurm&apos;s allocated; idle-allocated is what Slurm allocated minus the GPU-hours the GPUs were busy.</source>
        <translation>부문별 할당 GPU시간: Slurm 회계 기록(sacct, 작업마다 기간 안으로 자름)과 콘솔이 샘플로 집계한 값. 효율은 콘솔의 사용 GPU시간 ÷ Slurm 할당, 유휴 할당은 Slurm 할당에서 GPU가 바빴던 GPU시간을 뺀 값입니다.</translation>
    </message>
    <message>
        <source>Waits: submit → start of the jobs that started in the period (p50, p90, minutes); pending: the jobs in the queue when the report was made, and the reason holding the most GPUs.</source>
        <translation>대기: 기간 안에 시작한 작업의 제출 → 시작 시간(p50, p90, 분). 대기 중: 보고서를 만들 때 대기열에 있던 작업과 가장 많은 GPU를 붙잡은 사유.</translation>
    </message>
    <message>
        <source>Charged by Slurm: {rules}.</source>
        <translation>Slurm 집계 기준: {rules}.</translation>
    </message>
    <message>
        <source>The console recorded {pct} % of the period&apos;s hours.</source>
        <translation>콘솔은 기간의 {pct} %를 기록했습니다.</translation>
    </message>
    <message>
        <source>The queue could not be read: {error}</source>
        <translation>대기열을 읽을 수 없음: {error}</translation>
    </message>
    <message>
        <source>(unmapped)</source>
        <translation>(미연결)</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>합계</translation>
    </message>
    <message>
        <source>organisation account</source>
        <translation>기관 계정</translation>
    </message>
    <message>
        <source>sector account</source>
        <translation>부문 계정</translation>
    </message>
    <message>
        <source>partition</source>
        <translation>파티션</translation>
    </message>
    <message>
        <source>unmapped</source>
        <translation>미연결</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Slurm GPU-h</source>
        <translation>Slurm GPU시간</translation>
    </message>
    <message>
        <source>Console GPU-h</source>
        <translation>콘솔 GPU시간</translation>
    </message>
    <message>
        <source>Difference GPU-h</source>
        <translation>차이 GPU시간</translation>
    </message>
    <message>
        <source>Efficiency %</source>
        <translation>효율 %</translation>
    </message>
    <message>
        <source>Idle-allocated GPU-h</source>
        <translation>유휴 할당 GPU시간</translation>
    </message>
    <message>
        <source>Jobs started</source>
        <translation>시작된 작업</translation>
    </message>
    <message>
        <source>Wait p50 (min)</source>
        <translation>대기 p50 (분)</translation>
    </message>
    <message>
        <source>Wait p90 (min)</source>
        <translation>대기 p90 (분)</translation>
    </message>
    <message>
        <source>Pending jobs</source>
        <translation>대기 작업</translation>
    </message>
    <message>
        <source>Pending GPUs</source>
        <translation>대기 GPU</translation>
    </message>
    <message>
        <source>Main reason</source>
        <translation>주된 사유</translation>
    </message>
    <message>
        <source>Waits and the queue</source>
        <translation>대기 시간과 대기열</translation>
    </message>
    <message>
        <source>{rule} {hours} GPU-h</source>
        <translation>{rule} {hours} GPU시간</translation>
    </message>
    <message>
        <source>Why they differ</source>
        <translation>차이의 이유</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>operator</source>
        <translation>운영자</translation>
    </message>
    <message>
        <source>viewer</source>
        <translation>조회자</translation>
    </message>
</context>
<context>
    <name>Room</name>
    <message>
        <source>the demo fleet needs at least 3 nodes</source>
        <translation>데모 장비군에는 노드가 3개 이상 필요합니다</translation>
    </message>
    <message>
        <source>--faults-on must be greater than 0</source>
        <translation>--faults-on 값은 0보다 커야 합니다</translation>
    </message>
    <message>
        <source>--interval must be greater than 0</source>
        <translation>--interval은 0보다 커야 합니다</translation>
    </message>
    <message>
        <source>hangang-console serve: --alertmanager {url}: expected an http:// or https:// URL
</source>
        <translation>hangang-console serve: --alertmanager {url}: http:// 또는 https:// URL이어야 합니다
</translation>
    </message>
    <message>
        <source>hangang-console serve: cannot listen on {addr}: {reason}
</source>
        <translation>hangang-console serve: {addr}에서 수신할 수 없음: {reason}
</translation>
    </message>
    <message>
        <source>serving {n} nodes on {url}/metrics
</source>
        <translation>노드 {n}개를 {url}/metrics에서 제공 중
</translation>
    </message>
    <message>
        <source>filing incidents in the Alertmanager at {url}
</source>
        <translation>{url}의 Alertmanager에 장애를 등록합니다
</translation>
    </message>
</context>
<context>
    <name>RoomStrip</name>
    <message>
        <source>Silenced</source>
        <translation>무음 대상</translation>
    </message>
    <message>
        <source>Set by</source>
        <translation>설정한 사람</translation>
    </message>
    <message>
        <source>From</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>Silences</source>
        <translation>무음 목록</translation>
    </message>
    <message>
        <source>GPU %1</source>
        <translation>GPU %1</translation>
    </message>
    <message>
        <source>Room alerts from %1: reading…</source>
        <translation>%1에서 관제실 알림을 읽는 중…</translation>
    </message>
    <message>
        <source>Room alerts from the Alertmanager at %1, read at %2 · silences: %3</source>
        <translation>관제실 알림: Alertmanager %1, %2에 읽음 · 무음 %3건</translation>
    </message>
    <message>
        <source>The room&apos;s Alertmanager at %1 cannot be read: %2 · the incidents shown are the last read</source>
        <translation>관제실 Alertmanager %1을(를) 읽을 수 없음: %2 · 표시된 사건은 마지막으로 읽은 것입니다</translation>
    </message>
</context>
<context>
    <name>SSH</name>
    <message>
        <source>no usable key for {user} (identity file, agent)</source>
        <translation>{user}이(가) 쓸 수 있는 키가 없음 (키 파일, 에이전트)</translation>
    </message>
    <message>
        <source>public key refused for {user}</source>
        <translation>{user}의 공개 키가 거부됨</translation>
    </message>
    <message>
        <source>{host}:{port}: {why}</source>
        <translation>{host}:{port}: {why}</translation>
    </message>
    <message>
        <source>{host}: unknown {kind} host key{detail}</source>
        <translation>{host}: 알 수 없는 {kind} 호스트 키{detail}</translation>
    </message>
    <message>
        <source>{host}: host key REVOKED{detail}; refusing to connect.</source>
        <translation>{host}: 폐기된(REVOKED) 호스트 키{detail}. 연결하지 않습니다.</translation>
    </message>
    <message>
        <source>{host}: host certificate refused{detail}; refusing to connect.</source>
        <translation>{host}: 호스트 인증서 거부{detail}. 연결하지 않습니다.</translation>
    </message>
    <message>
        <source>{host}: HOST KEY CHANGED ({fingerprint}){detail}; refusing to connect. If the change is expected, remove the old key from known_hosts.</source>
        <translation>{host}: 호스트 키가 바뀌었습니다 ({fingerprint}){detail}. 연결하지 않습니다. 예정된 변경이라면 known_hosts에서 이전 키를 지우십시오.</translation>
    </message>
    <message>
        <source>cannot start probe: {why}</source>
        <translation>프로브를 시작할 수 없음: {why}</translation>
    </message>
    <message>
        <source>the OpenSSH client (ssh) is not installed</source>
        <translation>OpenSSH 클라이언트(ssh)가 설치되어 있지 않습니다</translation>
    </message>
</context>
<context>
    <name>Sacct</name>
    <message>
        <source>not an elapsed time: {text}</source>
        <translation>경과 시간 형식이 아님: {text}</translation>
    </message>
    <message>
        <source>sacct line {number}: {found} fields, expected {expected}: {line}</source>
        <translation>sacct {number}번째 줄: 필드가 {found}개, {expected}개여야 함: {line}</translation>
    </message>
    <message>
        <source>sacct --json: not the expected document: {error}</source>
        <translation>sacct --json: 예상한 형식의 문서가 아님: {error}</translation>
    </message>
    <message>
        <source>Slurm {version}, read with sacct --json on {where}</source>
        <translation>Slurm {version}, {where}에서 sacct --json으로 읽음</translation>
    </message>
    <message>
        <source>Slurm {version}, read with sacct -P on {where}</source>
        <translation>Slurm {version}, {where}에서 sacct -P로 읽음</translation>
    </message>
</context>
<context>
    <name>Scheduler</name>
    <message>
        <source>Cannot read Slurm&apos;s running jobs ({where}): {why}</source>
        <translation>Slurm의 실행 중 작업을 읽을 수 없음 ({where}): {why}</translation>
    </message>
</context>
<context>
    <name>SchedulerBooks</name>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>Slurm GPU-h</source>
        <translation>Slurm GPU시간</translation>
    </message>
    <message>
        <source>Jobs started</source>
        <translation>시작된 작업</translation>
    </message>
    <message>
        <source>Wait p50</source>
        <translation>대기 p50</translation>
    </message>
    <message>
        <source>Wait p90</source>
        <translation>대기 p90</translation>
    </message>
    <message>
        <source>Console allocated GPU-h</source>
        <translation>콘솔 배정 GPU시간</translation>
    </message>
    <message>
        <source>Console used GPU-h</source>
        <translation>콘솔 사용 GPU시간</translation>
    </message>
    <message>
        <source>Used ÷ Slurm %</source>
        <translation>사용 ÷ Slurm %</translation>
    </message>
    <message>
        <source>(unmapped account)</source>
        <translation>(연결되지 않은 계정)</translation>
    </message>
    <message>
        <source>(no organisation)</source>
        <translation>(기관 없음)</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n}초</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n}분</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n}시간</translation>
    </message>
    <message>
        <source>hangang-console accounting: Slurm&apos;s accounting could not be read: {error}</source>
        <translation>hangang-console accounting: Slurm 회계 기록을 읽을 수 없음: {error}</translation>
    </message>
    <message>
        <source>{period}: {jobs} jobs held GPUs, {hours} GPU-h allocated in Slurm ({how})</source>
        <translation>{period}: GPU를 쓴 작업 {jobs}개, Slurm 배정 {hours} GPU시간 ({how})</translation>
    </message>
    <message>
        <source>(the console&apos;s history has nothing for this period: its columns are left out)</source>
        <translation>(콘솔 이력에 이 기간 자료가 없어 콘솔 열은 뺌)</translation>
    </message>
    <message>
        <source>{hours} GPU-h charged by partition or unmapped: give the fleet file&apos;s sectors and organisations their Slurm account</source>
        <translation>{hours} GPU시간은 파티션으로 추정했거나 연결되지 않음: 플릿 파일의 부문과 기관에 Slurm account를 지정하세요</translation>
    </message>
    <message>
        <source>The queue could not be read: {error}</source>
        <translation>대기열을 읽을 수 없음: {error}</translation>
    </message>
    <message>
        <source>Waiting now (squeue), by reason:</source>
        <translation>지금 대기 중 (squeue), 사유별:</translation>
    </message>
    <message>
        <source>no job waits</source>
        <translation>대기 중인 작업 없음</translation>
    </message>
    <message>
        <source>{reason} {jobs} jobs / {gpus} GPUs</source>
        <translation>{reason} 작업 {jobs}개 / GPU {gpus}개</translation>
    </message>
</context>
<context>
    <name>SchedulerWatch</name>
    <message>
        <source>Slurm&apos;s accounting cannot be read: {error}</source>
        <translation>Slurm 회계를 읽을 수 없음: {error}</translation>
    </message>
    <message>
        <source>Slurm&apos;s queue cannot be read: {error}</source>
        <translation>Slurm 대기열을 읽을 수 없음: {error}</translation>
    </message>
</context>
<context>
    <name>SectorCard</name>
    <message>
        <source>GPUs in use</source>
        <translation>사용 중 GPU</translation>
    </message>
    <message>
        <source>average utilisation</source>
        <translation>평균 사용률</translation>
    </message>
    <message>
        <source>GPU cap</source>
        <translation>GPU 상한</translation>
    </message>
    <message>
        <source>running in cap</source>
        <translation>상한 안에서 실행</translation>
    </message>
    <message>
        <source>borrowed / lent</source>
        <translation>차용 / 빌려줌</translation>
    </message>
    <message>
        <source>entitled</source>
        <translation>보장량</translation>
    </message>
    <message>
        <source>allocated</source>
        <translation>배정량</translation>
    </message>
    <message>
        <source>vs entitlement</source>
        <translation>보장량 대비</translation>
    </message>
    <message>
        <source>waiting at cap</source>
        <translation>상한 때문에 대기</translation>
    </message>
    <message>
        <source>GPU power now</source>
        <translation>현재 GPU 전력</translation>
    </message>
    <message>
        <source>GPU energy today</source>
        <translation>오늘 GPU 전력량</translation>
    </message>
    <message>
        <source>Caps cannot be read: %1</source>
        <translation>상한을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>%1 GPUs report live data; in use means at least %2 % busy. Cap and running come from the sector&apos;s Slurm QOS.</source>
        <translation>GPU %1개가 실시간 데이터를 보냅니다. 사용 중은 %2 % 이상 바쁜 GPU입니다. 상한과 실행 중 값은 부문의 Slurm QOS에서 옵니다.</translation>
    </message>
    <message>
        <source>%1 of %2 allocated GPUs report live data; in use means at least %3 % busy.</source>
        <translation>배정된 GPU %2개 중 %1개가 실시간 데이터를 보고합니다. 사용 중은 사용률 %3 % 이상입니다.</translation>
    </message>
</context>
<context>
    <name>SectorColumn</name>
    <message>
        <source>Target GPUs</source>
        <translation>목표 GPU</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>Target GPUs of %1</source>
        <translation>%1 목표 GPU 수</translation>
    </message>
    <message>
        <source>Nodes of %1 (Ctrl+1/2/3: move to)</source>
        <translation>%1 노드 (Ctrl+1/2/3: 부문으로 이동)</translation>
    </message>
    <message>
        <source>%1 nodes · %2 GPUs</source>
        <translation>노드 %1대 · GPU %2개</translation>
    </message>
    <message>
        <source>%1 nodes · %2 → %3 GPUs</source>
        <translation>노드 %1대 · GPU %2 → %3개</translation>
    </message>
    <message>
        <source>guarantee %1 · busy %2 · queued %3</source>
        <translation>최소 보장 %1 · 사용 %2 · 대기 %3</translation>
    </message>
</context>
<context>
    <name>SectorPage</name>
    <message>
        <source>%1 sector</source>
        <translation>%1 부문</translation>
    </message>
    <message>
        <source>GPUs in use / allocated</source>
        <translation>사용 중 / 배정 GPU</translation>
    </message>
    <message>
        <source>average utilisation</source>
        <translation>평균 사용률</translation>
    </message>
    <message>
        <source>entitled GPUs (share)</source>
        <translation>보장 GPU (비율)</translation>
    </message>
    <message>
        <source>allocated vs entitlement</source>
        <translation>배정량 − 보장량</translation>
    </message>
    <message>
        <source>nodes live</source>
        <translation>실시간 노드</translation>
    </message>
    <message>
        <source>GPU power now</source>
        <translation>현재 GPU 전력</translation>
    </message>
    <message>
        <source>GPU energy today</source>
        <translation>오늘 GPU 전력량</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>사용 중</translation>
    </message>
    <message>
        <source>GPU cap (share)</source>
        <translation>GPU 상한 (비율)</translation>
    </message>
    <message>
        <source>running vs cap</source>
        <translation>실행량 − 상한</translation>
    </message>
    <message>
        <source>running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>cap</source>
        <translation>상한</translation>
    </message>
    <message>
        <source>allocated</source>
        <translation>배정</translation>
    </message>
    <message>
        <source>entitlement</source>
        <translation>보장량</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>기관</translation>
    </message>
    <message>
        <source>nodes</source>
        <translation>노드</translation>
    </message>
    <message>
        <source>GPUs in use</source>
        <translation>사용 중 GPU</translation>
    </message>
    <message>
        <source>util.</source>
        <translation>사용률</translation>
    </message>
    <message>
        <source>Its nodes: GPU utilisation, one column per node</source>
        <translation>소속 노드: GPU 사용률 (노드당 한 열)</translation>
    </message>
    <message>
        <source>(no organisation)</source>
        <translation>(기관 없음)</translation>
    </message>
    <message>
        <source>… and %1 more organisations</source>
        <translation>… 외 기관 %1곳</translation>
    </message>
</context>
<context>
    <name>SectorPlot</name>
    <message>
        <source>GPUs and utilisation per sector</source>
        <translation>부문별 GPU 수와 사용률</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPU 수</translation>
    </message>
    <message>
        <source>utilisation %</source>
        <translation>사용률 %</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>사용 중</translation>
    </message>
    <message>
        <source>allocated</source>
        <translation>배정량</translation>
    </message>
    <message>
        <source>entitled</source>
        <translation>보장량</translation>
    </message>
    <message>
        <source>History is not kept in this session</source>
        <translation>이 세션에서는 이력을 저장하지 않습니다</translation>
    </message>
    <message>
        <source>History unavailable: %1</source>
        <translation>이력을 읽을 수 없음: %1</translation>
    </message>
    <message>
        <source>Loading history…</source>
        <translation>이력을 불러오는 중…</translation>
    </message>
    <message>
        <source>No history recorded in this range</source>
        <translation>이 기간의 기록이 없습니다</translation>
    </message>
</context>
<context>
    <name>SectorWaits</name>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1분</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1시간</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <comment>jobs / GPUs</comment>
        <translation>작업 %1 / GPU %2</translation>
    </message>
    <message>
        <source>%1: %2 GPU</source>
        <translation>%1: GPU %2개</translation>
    </message>
    <message>
        <source>jobs / GPUs waiting now</source>
        <translation>지금 대기 중인 작업 / GPU</translation>
    </message>
    <message>
        <source>wait p50 / p90, last %1 d</source>
        <translation>대기 p50 / p90, 최근 %1일</translation>
    </message>
    <message>
        <source>no job waits</source>
        <translation>대기 작업 없음</translation>
    </message>
    <message>
        <source>no job started</source>
        <translation>시작한 작업 없음</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>wait p50 / p90</source>
        <translation>대기 p50 / p90</translation>
    </message>
    <message>
        <source>Figures from Slurm: pending jobs by squeue, waits (submit to start) by sacct</source>
        <translation>Slurm의 수치: 대기 작업은 squeue, 대기 시간(제출 → 시작)은 sacct</translation>
    </message>
    <message>
        <source>Slurm cannot be read now: the dimmed figures are the last read</source>
        <translation>지금 Slurm을 읽을 수 없음: 흐린 수치는 마지막으로 읽은 값</translation>
    </message>
</context>
<context>
    <name>Sectors</name>
    <message>
        <source>Public</source>
        <translation>공공</translation>
    </message>
    <message>
        <source>Public-interest</source>
        <translation>공익</translation>
    </message>
    <message>
        <source>Private</source>
        <translation>민간</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>합계</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Kiosk</source>
        <translation>키오스크</translation>
    </message>
    <message>
        <source>Accounting</source>
        <translation>사용량 정산</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>에너지</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>운영자</translation>
    </message>
    <message>
        <source>On</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>임계값</translation>
    </message>
    <message>
        <source>Critical at</source>
        <translation>심각 기준</translation>
    </message>
    <message>
        <source>Fire after</source>
        <translation>발생 대기</translation>
    </message>
    <message>
        <source>Clear after</source>
        <translation>해제 대기</translation>
    </message>
    <message>
        <source>Read-only: only operators may change settings.</source>
        <translation>읽기 전용: 운영자만 설정을 바꿀 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>Severities</name>
    <message>
        <source>critical</source>
        <translation>심각</translation>
    </message>
    <message>
        <source>error</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>경고</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>단축키 목록</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>키</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
</context>
<context>
    <name>Slurm</name>
    <message>
        <source>Slurm has no partition {partition} (the {sector} sector&apos;s); it has: {found}</source>
        <translation>Slurm에 파티션 {partition}이(가) 없습니다({sector} 부문의 파티션). 있는 파티션: {found}</translation>
    </message>
    <message>
        <source>unknown node {node}: {error}</source>
        <translation>알 수 없는 노드 {node}: {error}</translation>
    </message>
    <message>
        <source>unknown node {node}</source>
        <translation>알 수 없는 노드 {node}</translation>
    </message>
    <message>
        <source>another apply holds {lock} ({holder}); if none is running, remove that directory</source>
        <translation>다른 적용이 {lock}을(를) 잡고 있습니다({holder}). 실행 중인 적용이 없다면 그 디렉터리를 지우십시오</translation>
    </message>
    <message>
        <source>Slurm&apos;s partitions changed since the plan was made (version {planned}, now {now}): plan again</source>
        <translation>계획을 만든 뒤 Slurm 파티션이 바뀌었습니다(버전 {planned} → {now}). 다시 계획하십시오</translation>
    </message>
    <message>
        <source>{node} is already drained: {reason}</source>
        <translation>{node}은(는) 이미 드레인되어 있습니다: {reason}</translation>
    </message>
    <message>
        <source>{node} was drained by someone else ({reason}); not resuming it</source>
        <translation>{node}은(는) 다른 사람이 드레인했습니다({reason}). 재개하지 않습니다</translation>
    </message>
    <message>
        <source>{node}: source and target are both {sector}</source>
        <translation>{node}: 원래 부문과 옮길 부문이 모두 {sector}입니다</translation>
    </message>
    <message>
        <source>{node} is not in partition {partition}</source>
        <translation>{node}은(는) 파티션 {partition}에 없습니다</translation>
    </message>
    <message>
        <source>{node} must be drained before it moves</source>
        <translation>{node}은(는) 옮기기 전에 드레인해야 합니다</translation>
    </message>
    <message>
        <source>Slurm not reachable: {error}</source>
        <translation>Slurm에 연결할 수 없음: {error}</translation>
    </message>
    <message>
        <source>Slurm {version} on {where}</source>
        <translation>Slurm {version} ({where})</translation>
    </message>
    <message>
        <source>queue read with squeue --json</source>
        <translation>대기열은 squeue --json으로 읽음</translation>
    </message>
    <message>
        <source>queue read with squeue -O (no JSON output here)</source>
        <translation>대기열은 squeue -O로 읽음(JSON 출력 없음)</translation>
    </message>
    <message>
        <source>partitions changed with Nodes+= / Nodes-= (only the moved node)</source>
        <translation>파티션은 Nodes+= / Nodes-=로 고침(옮기는 노드만)</translation>
    </message>
    <message>
        <source>partitions rewritten as full Nodes= lists (Nodes+= needs Slurm 23.11)</source>
        <translation>파티션은 전체 Nodes= 목록으로 고침(Nodes+=는 Slurm 23.11부터)</translation>
    </message>
    <message>
        <source>moves kept in {file} (last {versions} versions kept)</source>
        <translation>이동은 {file}에 저장(이전 {versions}개 보관)</translation>
    </message>
    <message>
        <source>no include file: moves are lost on scontrol reconfigure or restart</source>
        <translation>포함 파일 없음: reconfigure나 재시작 때 이동이 사라짐</translation>
    </message>
    <message>
        <source>another apply holds {lock} ({holder})</source>
        <translation>다른 적용이 {lock}을(를) 잡고 있습니다({holder})</translation>
    </message>
    <message>
        <source>exit status {rc}</source>
        <translation>종료 상태 {rc}</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>시간 초과</translation>
    </message>
    <message>
        <source>{command} ({where}): {why}</source>
        <translation>{command} ({where}): {why}</translation>
    </message>
    <message>
        <source>cannot read {path}: {error}</source>
        <translation>{path}을(를) 읽을 수 없음: {error}</translation>
    </message>
    <message>
        <source>cannot write {path}: {error}</source>
        <translation>{path}에 쓸 수 없음: {error}</translation>
    </message>
    <message>
        <source>Slurm controller {where}: {error}</source>
        <translation>Slurm 컨트롤러 {where}: {error}</translation>
    </message>
</context>
<context>
    <name>SlurmQuota</name>
    <message>
        <source>Slurm&apos;s accounting (slurmdbd) did not answer, so the sector caps cannot be read or changed: {error}</source>
        <translation>Slurm 회계(slurmdbd)가 응답하지 않아 부문 한도를 읽거나 바꿀 수 없습니다: {error}</translation>
    </message>
    <message>
        <source>Slurm has no QOS {missing} (quota mode needs one per sector; `accounts reconcile` creates them).</source>
        <translation>Slurm에 QOS {missing}이(가) 없습니다(한도 모드는 부문마다 QOS가 필요합니다. `accounts reconcile`로 만듭니다).</translation>
    </message>
    <message>
        <source>Slurm has no node in the shared partition {partition}.</source>
        <translation>Slurm의 공유 파티션 {partition}에 노드가 없습니다.</translation>
    </message>
    <message>
        <source>A sector QOS changed since the plan was made (version {planned}, now {now}): plan again.</source>
        <translation>계획을 만든 뒤 부문 QOS가 바뀌었습니다(버전 {planned} → {now}). 다시 계획하십시오.</translation>
    </message>
    <message>
        <source>sector caps as GrpTRES=gres/gpu of QOS {names} over partition {partition}</source>
        <translation>부문 한도는 파티션 {partition} 위의 QOS {names}의 GrpTRES=gres/gpu</translation>
    </message>
    <message>
        <source>borrowing via QOS {qos} (requeued after a grace time of {grace} s)</source>
        <translation>QOS {qos}로 빌려 쓰기(유예 {grace}초 뒤 재대기열)</translation>
    </message>
</context>
<context>
    <name>SlurmStates</name>
    <message>
        <source>up</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>드레인 중</translation>
    </message>
    <message>
        <source>drained</source>
        <translation>드레인됨</translation>
    </message>
    <message>
        <source>down</source>
        <translation>다운</translation>
    </message>
</context>
<context>
    <name>SourceBanner</name>
    <message>
        <source>⚠ Data source unavailable: %1 · the values shown are the last received</source>
        <translation>⚠ 데이터 원본을 사용할 수 없음: %1 · 표시된 값은 마지막으로 받은 값입니다</translation>
    </message>
</context>
<context>
    <name>Ssh</name>
    <message>
        <source>OK</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>PROBE ERROR</source>
        <translation>프로브 오류</translation>
    </message>
    <message>
        <source>UNREACHABLE</source>
        <translation>연결 불가</translation>
    </message>
    <message>
        <source>LOGIN REFUSED</source>
        <translation>로그인 거부</translation>
    </message>
    <message>
        <source>HOST KEY UNKNOWN</source>
        <translation>알 수 없는 호스트 키</translation>
    </message>
    <message>
        <source>HOST KEY REFUSED</source>
        <translation>호스트 키 거부</translation>
    </message>
    <message>
        <source>{file}: {n} nodes; ssh settings from {how}
</source>
        <translation>{file}: 노드 {n}대; ssh 설정 출처 {how}
</translation>
    </message>
    <message>
        <source>warning: skipped known_hosts line: {problem}
</source>
        <translation>경고: 건너뛴 known_hosts 줄: {problem}
</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>{node}: sector {sector}, organisation {org}
</source>
        <translation>{node}: 섹터 {sector}, 기관 {org}
</translation>
    </message>
    <message>
        <source>ssh: {target}</source>
        <translation>ssh: {target}</translation>
    </message>
    <message>
        <source>jumps: {jumps}</source>
        <translation>경유: {jumps}</translation>
    </message>
    <message>
        <source>none (direct)</source>
        <translation>없음 (직접 연결)</translation>
    </message>
    <message>
        <source>identity: {files}</source>
        <translation>인증 키: {files}</translation>
    </message>
    <message>
        <source>known_hosts: {files}</source>
        <translation>known_hosts: {files}</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>host key known, logged in, probe sent {gpus} GPUs</source>
        <translation>호스트 키 확인, 로그인 성공, 프로브가 GPU {gpus}개 보고</translation>
    </message>
    <message>
        <source>{node}: {status}: {detail}
</source>
        <translation>{node}: {status}: {detail}
</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Entitled</source>
        <translation>보장</translation>
    </message>
    <message>
        <source>Allocated</source>
        <translation>배정</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>가동</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>대기</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>Stale</source>
        <translation>지연</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>연결 불가</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>합계</translation>
    </message>
    <message>
        <source>no node answered within {s:g} s</source>
        <translation>{s:g}초 안에 응답한 노드가 없음</translation>
    </message>
</context>
<context>
    <name>StoreStatuses</name>
    <message>
        <source>read</source>
        <translation>읽음</translation>
    </message>
    <message>
        <source>no file (never written)</source>
        <translation>파일 없음 (기록된 적 없음)</translation>
    </message>
    <message>
        <source>not part of this console</source>
        <translation>이 콘솔에 없음</translation>
    </message>
    <message>
        <source>could not be read</source>
        <translation>읽을 수 없음</translation>
    </message>
    <message>
        <source>handed in</source>
        <translation>직접 전달됨</translation>
    </message>
</context>
<context>
    <name>Stores</name>
    <message>
        <source>History (GPU use)</source>
        <translation>이력 (GPU 사용)</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>장애 기록</translation>
    </message>
    <message>
        <source>Capacity audit log</source>
        <translation>용량 변경 감사 기록</translation>
    </message>
</context>
<context>
    <name>TimeRangeBar</name>
    <message>
        <source>15 min</source>
        <translation>15분</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1시간</translation>
    </message>
    <message>
        <source>6 h</source>
        <translation>6시간</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24시간</translation>
    </message>
    <message>
        <source>7 d</source>
        <translation>7일</translation>
    </message>
    <message>
        <source>30 d</source>
        <translation>30일</translation>
    </message>
    <message>
        <source>90 d</source>
        <translation>90일</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>직접 지정…</translation>
    </message>
    <message>
        <source>live, every second</source>
        <translation>실시간, 1초 간격</translation>
    </message>
    <message>
        <source>1-minute averages</source>
        <translation>1분 평균</translation>
    </message>
    <message>
        <source>15-minute averages</source>
        <translation>15분 평균</translation>
    </message>
    <message>
        <source>Choose dates and times; or zoom (wheel) and pan (drag) in the plot</source>
        <translation>날짜와 시각을 고르거나, 그래프에서 휠로 확대·축소하고 끌어서 이동하세요</translation>
    </message>
    <message>
        <source>Custom: %1</source>
        <translation>직접 지정: %1</translation>
    </message>
</context>
<context>
    <name>UtilizationPlot</name>
    <message>
        <source>Mean GPU utilisation per sector, last 15 minutes (%)</source>
        <translation>부문별 평균 GPU 사용률, 최근 15분 (%)</translation>
    </message>
    <message>
        <source>utilisation %</source>
        <translation>사용률 %</translation>
    </message>
</context>
<context>
    <name>Validation</name>
    <message>
        <source>The plan moves no node.</source>
        <translation>옮길 노드가 없습니다.</translation>
    </message>
    <message>
        <source>The allocation changed since this plan was made (version {planned}, now {now}): someone else applied first. Plan again.</source>
        <translation>계획을 만든 뒤 배정이 바뀌었습니다(버전 {planned} → {now}). 다른 사람이 먼저 적용했습니다. 다시 계획하십시오.</translation>
    </message>
    <message>
        <source>Node {node} is moved more than once.</source>
        <translation>노드 {node}을(를) 두 번 이상 옮깁니다.</translation>
    </message>
    <message>
        <source>Unknown node {node}: the scheduler does not know it.</source>
        <translation>알 수 없는 노드 {node}: 스케줄러에 없습니다.</translation>
    </message>
    <message>
        <source>Node {node} is already in that sector.</source>
        <translation>노드 {node}은(는) 이미 그 부문에 있습니다.</translation>
    </message>
    <message>
        <source>Node {node} is in {actual}, not {expected}.</source>
        <translation>노드 {node}은(는) {expected} 부문이 아니라 {actual} 부문에 있습니다.</translation>
    </message>
    <message>
        <source>Node {node} is down.</source>
        <translation>노드 {node}이(가) 다운 상태입니다.</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>사유 없음</translation>
    </message>
    <message>
        <source>Node {node} is drained for another reason ({why}); it is not ours to move.</source>
        <translation>노드 {node}은(는) 다른 이유로 드레인되어 있습니다({why}). 옮길 수 없습니다.</translation>
    </message>
    <message>
        <source>The guarantees add up to {guaranteed} GPUs but only {healthy} GPUs are healthy.</source>
        <translation>최소 보장량 합계 {guaranteed} GPU가 정상 GPU {healthy}개보다 많습니다.</translation>
    </message>
    <message>
        <source>{sector} would have {gpus} GPUs, below its guarantee of {guarantee}.</source>
        <translation>{sector} 부문이 {gpus} GPU로 최소 보장량 {guarantee} GPU보다 적어집니다.</translation>
    </message>
    <message>
        <source>{below} Needs an override with a reason.</source>
        <translation>{below} 사유를 적은 예외 승인이 필요합니다.</translation>
    </message>
    <message>
        <source>{below} The override needs a written justification (at least {chars} characters).</source>
        <translation>{below} 예외 승인에는 {chars}자 이상의 사유가 필요합니다.</translation>
    </message>
    <message>
        <source>{below} Overridden: {why}</source>
        <translation>{below} 예외 승인: {why}</translation>
    </message>
    <message>
        <source>{sector} would have {gpus} GPUs, above its cap of {cap}.</source>
        <translation>{sector} 부문이 {gpus} GPU로 상한 {cap} GPU를 넘습니다.</translation>
    </message>
</context>
<context>
    <name>WaitForecast</name>
    <message>
        <source>Predicted waits</source>
        <translation>예상 대기</translation>
    </message>
    <message>
        <source>Make a plan to see what it does to each sector&apos;s queue.</source>
        <translation>계획을 만들면 부문마다 대기열이 어떻게 바뀌는지 보여 줍니다.</translation>
    </message>
    <message>
        <source>Replaying the sectors&apos; past jobs…</source>
        <translation>부문들의 지난 작업을 다시 돌려 보는 중…</translation>
    </message>
    <message>
        <source>No job history for this fleet: no prediction.</source>
        <translation>이 클러스터에는 작업 기록이 없어 예측하지 않습니다.</translation>
    </message>
</context>
<context>
    <name>WaitsTable</name>
    <message>
        <source>Sector</source>
        <translation>부문</translation>
    </message>
    <message>
        <source>Jobs started</source>
        <translation>시작된 작업</translation>
    </message>
    <message>
        <source>Wait p50 (min)</source>
        <translation>대기 p50 (분)</translation>
    </message>
    <message>
        <source>Wait p90 (min)</source>
        <translation>대기 p90 (분)</translation>
    </message>
    <message>
        <source>Waits in Slurm (submit to start), jobs started in the period</source>
        <translation>Slurm 대기 시간(제출 → 시작), 기간 안에 시작한 작업</translation>
    </message>
    <message>
        <source>Waits per sector</source>
        <translation>부문별 대기 시간</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>(unmapped account)</source>
        <translation>(연결되지 않은 계정)</translation>
    </message>
</context>
<context>
    <name>WhatIf</name>
    <message>
        <source>{n} min</source>
        <translation>{n}분</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n}시간</translation>
    </message>
    <message>
        <source>range {low}–{high}</source>
        <translation>범위 {low}–{high}</translation>
    </message>
    <message>
        <source>{sector}: too little history to predict ({why})</source>
        <translation>{sector}: 기록이 너무 적어 예측하지 않습니다 ({why})</translation>
    </message>
    <message>
        <source>{sector}: p90 wait {before} → {after} ({range}), p50 {p50}</source>
        <translation>{sector}: p90 대기 {before} → {after} ({range}), p50 {p50}</translation>
    </message>
    <message>
        <source>({count} jobs would no longer fit at all)</source>
        <translation>(작업 {count}개는 아예 들어갈 수 없게 됩니다)</translation>
    </message>
    <message>
        <source>{sector} ({jobs} jobs in {days} days)</source>
        <translation>{sector}({days}일 동안 작업 {jobs}개)</translation>
    </message>
    <message>
        <source>Too little history to predict, no figure is guessed: {short}.</source>
        <translation>이력이 너무 짧아 예측하지 않습니다(어림한 수치도 내지 않음): {short}.</translation>
    </message>
    <message>
        <source>With the borrow QOS, a job submitted while its sector&apos;s jobs already fill the cap goes to the borrow QOS and stays there: it runs at lower priority on GPUs nobody holds and is requeued when an owner&apos;s job within its cap needs them: it stops after the grace time ({grace} s, ended at Slurm&apos;s 30 s time-limit check), the owner&apos;s job starts then, and the borrower may start again from zero only {hold} s later (the credential&apos;s lifetime); its wait counts until the run that finishes. Jobs submitted straight to the borrow QOS are not told apart from the others. Checked against Slurm on short runs; over long runs with much borrowing the waits are less sure than the range says.</source>
        <translation>차용 QOS가 있으면, 부문의 작업이 이미 상한을 채운 때 제출된 작업은 차용 QOS로 가서 그대로 남습니다: 아무도 쓰지 않는 GPU에서 낮은 우선순위로 돌다가, 상한 안의 주인 작업이 그 GPU를 필요로 하면 다시 대기열로 돌아갑니다. 유예 시간({grace}초, Slurm의 30초 간격 시간 제한 검사에서 끝남) 뒤에 멈추고, 그때 주인의 작업이 시작되며, 빌려 쓰던 작업은 {hold}초(자격 증명의 수명) 뒤에야 처음부터 다시 시작할 수 있습니다. 대기는 끝까지 마친 실행까지 셉니다. 처음부터 차용 QOS로 제출된 작업은 다른 작업과 구별하지 않습니다. 짧은 실행에서 Slurm과 비교해 검증했으며, 빌려 쓰기가 많은 긴 기간에서는 대기가 범위가 말하는 것보다 덜 확실합니다.</translation>
    </message>
    <message>
        <source>No borrow QOS: no sector runs above its cap.</source>
        <translation>차용 QOS 없음: 어느 부문도 상한을 넘어 돌지 않습니다.</translation>
    </message>
    <message>
        <source>Replays the {jobs} jobs the sectors submitted from {start} to {end} ({source}) on the shared partition&apos;s {gpus} GPUs, each sector&apos;s own jobs held to its QOS cap, before and after the plan, scheduled as Slurm would (submit order; a job at its cap does not hold back the others; reservations from time limits for the partition&apos;s GPUs). {borrow} The range is the 10th–90th percentile over {days}-day histories drawn again from those days, the same days for every sector. Needs at least {min_jobs} jobs over {min_days} days per sector. Not seen: work already running at the start, fair share between users, users submitting differently once waits change, node failures, and which node the GPUs are on (the partition&apos;s GPUs are one pool: a job asking for a whole node may wait longer for one node to empty).</source>
        <translation>{start}부터 {end}까지 부문들이 제출한 작업 {jobs}개({source})를 계획 전후의 상한으로 공유 파티션의 GPU {gpus}개에서 다시 돌려 봅니다. 각 부문 자신의 작업은 그 QOS 상한까지만 쓰고, Slurm처럼 스케줄합니다(제출 순서; 상한에 걸린 작업은 다른 작업을 막지 않음; 파티션 GPU에 대해서는 시간 제한에 따른 예약). {borrow} 범위는 그 날들에서 다시 뽑은 {days}일짜리 기록들(모든 부문에 같은 날)의 10–90번째 백분위수입니다. 부문마다 {min_days}일 동안 작업이 {min_jobs}개 이상 있어야 합니다. 보지 못하는 것: 시작할 때 이미 돌고 있던 작업, 사용자 사이의 공정 배분, 대기가 바뀐 뒤 달라지는 사용자의 제출, 노드 장애, GPU가 어느 노드에 있는지(파티션의 GPU를 하나의 풀로 보므로, 노드 하나를 통째로 요청하는 작업은 노드가 빌 때까지 더 기다릴 수 있음).</translation>
    </message>
    <message>
        <source>Replays the {jobs} jobs each sector submitted from {start} to {end} ({source}) against its GPUs before and after the plan, scheduled as Slurm&apos;s backfill would (submit order, reservations from time limits). The range is the 10th–90th percentile over {days}-day histories drawn again from those days. Needs at least {min_jobs} jobs over {min_days} days per sector. Not seen: work already running at the start, fair share between users, users submitting differently once waits change, node failures.</source>
        <translation>{start}부터 {end}까지 각 부문이 제출한 작업 {jobs}개({source})를 계획 전후의 GPU에 대해 Slurm의 백필처럼(제출 순서, 시간 제한에 따른 예약) 다시 돌려 봅니다. 범위는 그 날들에서 다시 뽑은 {days}일짜리 기록들의 10–90번째 백분위수입니다. 부문마다 {min_days}일 동안 작업이 {min_jobs}개 이상 있어야 합니다. 보지 못하는 것: 시작할 때 이미 돌고 있던 작업, 사용자 사이의 공정 배분, 대기가 바뀐 뒤 달라지는 사용자의 제출, 노드 장애.</translation>
    </message>
    <message>
        <source>saves {time} of p90 wait in all</source>
        <translation>p90 대기를 모두 합쳐 {time} 줄입니다</translation>
    </message>
    <message>
        <source>adds {time} of p90 wait in all</source>
        <translation>p90 대기를 모두 합쳐 {time} 늘립니다</translation>
    </message>
    <message>
        <source>{sector}: {before} → {after} GPUs, guarantee {guarantee} ({margin} above it)</source>
        <translation>{sector}: GPU {before} → {after}개, 최소 보장 {guarantee}개(보장보다 {margin}개 많음)</translation>
    </message>
    <message>
        <source>{sector}: {before} → {after} GPUs, guarantee {guarantee} ({margin} below it)</source>
        <translation>{sector}: GPU {before} → {after}개, 최소 보장 {guarantee}개(보장보다 {margin}개 적음)</translation>
    </message>
    <message>
        <source>{jobs} jobs in {days} days</source>
        <translation>{days}일 동안 작업 {jobs}개</translation>
    </message>
    <message>
        <source>sacct: {why}</source>
        <translation>sacct: {why}</translation>
    </message>
    <message>
        <source>Slurm&apos;s accounting could not be read, so no wait is predicted: {error}</source>
        <translation>Slurm 회계 기록(sacct)을 읽을 수 없어 대기 시간을 예측하지 않습니다: {error}</translation>
    </message>
</context>
</TS>
