import zoneinfo

__version__ = "0.1.0"

# Local times (competition windows, award dates, deadlines) follow the tzdata package this
# project pins, never the host's zone files: a host whose data predates 2024a would put
# Almaty at UTC+6 after 1 March 2024, and refuse or misdate Kazakh windows. One zone
# database for the whole process; the cache is emptied in case a zone was read before.
zoneinfo.reset_tzpath(to=())
zoneinfo.ZoneInfo.clear_cache()
