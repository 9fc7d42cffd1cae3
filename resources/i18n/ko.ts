<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
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
</context>
<context>
    <name>Labels</name>
    <message>
        <source>en</source>
        <comment>language code of this translation</comment>
        <translation>ko</translation>
    </message>
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
        <source>live</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>지연</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>연결 불가</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>대기</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <source>probe error</source>
        <translation>프로브 오류</translation>
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
        <source>demo fleet, %1 nodes</source>
        <translation>데모 클러스터, 노드 %1대</translation>
    </message>
    <message>
        <source>SSH, %1 nodes</source>
        <translation>SSH, 노드 %1대</translation>
    </message>
    <message>
        <source>%1 nodes</source>
        <translation>노드 %1대</translation>
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
</context>
<context>
    <name>NodeTable</name>
    <message>
        <source>Filter nodes: name, organisation, sector, status</source>
        <translation>노드 검색: 이름, 기관, 부문, 상태</translation>
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
        <source>%1 of %2 allocated GPUs report live data; in use means at least %3 % busy.</source>
        <translation>배정된 GPU %2개 중 %1개가 실시간 데이터를 보고합니다. 사용 중은 사용률 %3 % 이상입니다.</translation>
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
</TS>
