# ruff: noqa: E501  (the lines are the contract's, verbatim: ROOM.md)
"""Metric names shared by `serve` (exposition) and the Prometheus source (queries).

Fixed by the operations-room contract (issue 16): both sides import these, so a rename here
breaks both on purpose. Constants only, stdlib only.
"""

DCGM_UTIL = "DCGM_FI_DEV_GPU_UTIL"            # % 0..100
DCGM_PROF_ACTIVE = "DCGM_FI_PROF_GR_ENGINE_ACTIVE"  # ratio 0..1 (preferred when present)
DCGM_FB_USED = "DCGM_FI_DEV_FB_USED"          # MiB
DCGM_FB_FREE = "DCGM_FI_DEV_FB_FREE"          # MiB
DCGM_TEMP = "DCGM_FI_DEV_GPU_TEMP"            # C
DCGM_MEM_TEMP = "DCGM_FI_DEV_MEMORY_TEMP"     # C
DCGM_POWER = "DCGM_FI_DEV_POWER_USAGE"        # W
DCGM_ENERGY = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"  # mJ counter (MIG rows repeat the GPU's)
GPU_ENERGY_ESTIMATED = "hangang_gpu_energy_estimated"  # 1: the counter is integrated power; DCGM labels
DCGM_XID = "DCGM_FI_DEV_XID_ERRORS"           # last XID code
DCGM_SM_CLOCK = "DCGM_FI_DEV_SM_CLOCK"        # MHz
DCGM_MEM_CLOCK = "DCGM_FI_DEV_MEM_CLOCK"      # MHz
DCGM_ECC_DBE = "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"
DCGM_ECC_SBE = "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL"
DCGM_ECC_SBE_AGG = "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL"
DCGM_RETIRED_SBE = "DCGM_FI_DEV_RETIRED_SBE"  # pages retired (Volta and older; newer remap rows)
DCGM_RETIRED_DBE = "DCGM_FI_DEV_RETIRED_DBE"
DCGM_RETIRED_PENDING = "DCGM_FI_DEV_RETIRED_PENDING"
DCGM_ROW_REMAP_FAIL = "DCGM_FI_DEV_ROW_REMAP_FAILURE"
DCGM_ROW_REMAP_PENDING = "DCGM_FI_DEV_ROW_REMAP_PENDING"
DCGM_ECC_DBE_AGG = "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL"
GPU_LABELS = ("gpu", "UUID", "device", "modelName", "Hostname")   # + GPU_I_ID, GPU_I_PROFILE for MIG
HOSTNAME_LABELS = ("Hostname", "hostname")    # dcgm-exporter spelled it both ways
HPC_JOB = "hpc_job"                           # dcgm-exporter's job label (its HPC job mapping)
NODE_CPU = "node_cpu_seconds_total"           # node_exporter names where one exists
NODE_LOAD1 = "node_load1"
NODE_MEM_TOTAL = "node_memory_MemTotal_bytes"
NODE_MEM_AVAIL = "node_memory_MemAvailable_bytes"
NODE_FS_SIZE = "node_filesystem_size_bytes"
NODE_FS_AVAIL = "node_filesystem_avail_bytes"
NODE_RAPL_PACKAGE = "node_rapl_package_joules_total"  # per CPU package (index), node_exporter's
SECTOR_ENTITLED = "hangang_sector_gpus_entitled"     # labels: sector
SECTOR_ALLOCATED = "hangang_sector_gpus_allocated"
SECTOR_BUSY = "hangang_sector_gpus_busy"
SECTOR_USED = "hangang_sector_gpus_used"             # reporting GPUs in use (busy threshold)
SECTOR_QUEUED = "hangang_sector_gpus_queued"          # pending GPU demand
SECTOR_POWER = "hangang_sector_power_watts"          # sum of the live GPUs' power draw
ORG_ALLOCATED = "hangang_org_gpus_allocated"         # labels: sector, organisation
ORG_BUSY = "hangang_org_gpus_busy"                   # (charged as the GPU-hour books charge)
ORG_USED = "hangang_org_gpus_used"
NODE_INFO = "hangang_node_info"          # value 1; labels: node, Hostname, sector, organisation, model, gpus
NODE_STATUS = "hangang_node_status"      # value = NodeStatus int; labels: node, status (name lower)
NODE_DATA_AGE = "hangang_node_data_age_seconds"  # labels: node
NODE_CPU_PERCENT = "hangang_node_cpu_percent"    # labels: node (node_exporter has no gauge for it)
NODE_DISK_PERCENT = "hangang_node_disk_used_percent"  # fullest disk; labels: node
NODE_CPU_ENERGY = "hangang_node_cpu_energy_joules_total"  # counter, RAPL packages summed; labels: node
SERVE_UP = "hangang_serve_up"            # 1 while serve runs
ALERTMANAGER_UP = "hangang_alertmanager_up"  # 1 delivered, 0 unreachable
ALERTMANAGER_PENDING = "hangang_alertmanager_alerts_pending"  # alerts waiting

# The room's books as counters (console/room/books.py; read back by
# console/sources/prometheus/books.py): closed minutes only, per sector, organisation, model
BOOKS_GPU_SECONDS = "hangang_books_gpu_seconds"  # + kind=allocated|live|used|busy|used_by_…
BOOKS_GPU_ENERGY = "hangang_books_gpu_energy_joules"
BOOKS_GPU_ENERGY_ESTIMATED = "hangang_books_gpu_energy_estimated_joules"  # part of the above
BOOKS_CPU_ENERGY = "hangang_books_cpu_energy_joules"
BOOKS_ENTITLED = "hangang_books_entitled_gpu_seconds"  # per sector
BOOKS_RECORDED = "hangang_books_recorded_seconds"  # per sector: seconds the books cover
BOOKS_MINUTE = "hangang_books_minute"  # start (epoch s) of the last minute the counters hold
# when these counters started from zero (serve's start): a reader's restart mark. A gauge of our
# own, since OpenMetrics' _created samples are not kept by every Prometheus version
BOOKS_STARTED = "hangang_books_started_time_seconds"
BOOKS_KIND_OF = {"alloc_s": "allocated", "live_s": "live", "used_s": "used", "busy_s": "busy"}
# used GPU-seconds by the rule that charged them (job account, user map, node's organisation)
BOOKS_KIND_OF |= {"used_job_s": "used_by_job", "used_user_s": "used_by_user_map",
                  "used_node_s": "used_by_node"}
