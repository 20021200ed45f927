//! CPU time spent during a run, from /proc: the server, the bench process (the load
//! generator, and the baseline route when it is the one measured), PostgreSQL's
//! processes, and the whole machine. On a machine whose cores are all busy, the CPU
//! each request costs sets the ceiling no amount of batching lifts: cores × 1 s / CPU
//! per request.

/// A reading of the counters, in clock ticks.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    server: u64,
    bench: u64,
    database: u64,
    machine_busy: u64,
    machine_all: u64,
}

/// What a run cost, per unit of work (a request or a scenario), in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub server_ms: f64,
    pub bench_ms: f64,
    pub database_ms: f64,
    /// Share of all the machine's cores that were busy, 0–100.
    pub machine_busy_pct: f64,
}

impl Cost {
    /// The most units per second this machine's cores could do if the server and the
    /// database had them to themselves (no load generator).
    pub fn ceiling_per_sec(&self, cores: usize) -> f64 {
        cores as f64 * 1000.0 / (self.server_ms + self.database_ms)
    }
}

pub struct Meter {
    server_pid: u32,
    ticks_per_sec: f64,
}

impl Meter {
    pub fn new(server_pid: u32) -> Self {
        // USER_HZ; 100 on every Linux this runs on, asked of getconf in case.
        let ticks_per_sec = std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0);
        Self {
            server_pid,
            ticks_per_sec,
        }
    }

    pub fn read(&self) -> Reading {
        let (machine_busy, machine_all) = machine_ticks();
        Reading {
            server: process_ticks(self.server_pid).unwrap_or(0),
            bench: process_ticks(std::process::id()).unwrap_or(0),
            database: postgres_ticks(),
            machine_busy,
            machine_all,
        }
    }

    /// The cost of `units` of work done between `before` and now.
    pub fn cost_since(&self, before: Reading, units: f64) -> Cost {
        let now = self.read();
        let ms =
            |a: u64, b: u64| (b.saturating_sub(a)) as f64 * 1000.0 / self.ticks_per_sec / units;
        let all = now.machine_all.saturating_sub(before.machine_all).max(1);
        Cost {
            server_ms: ms(before.server, now.server),
            bench_ms: ms(before.bench, now.bench),
            database_ms: ms(before.database, now.database),
            machine_busy_pct: now.machine_busy.saturating_sub(before.machine_busy) as f64 * 100.0
                / all as f64,
        }
    }
}

/// utime + stime of a process (all its threads), fields 14 and 15 of /proc/PID/stat.
fn process_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are plain.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state), so field N is f[N - 3].
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// CPU of every PostgreSQL process on the machine (backends, WAL writer, checkpointer):
/// on the PostgreSQL runs the database's whole share.
fn postgres_ticks() -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .filter_map(process_ticks)
        .sum()
}

/// Busy and total ticks of all cores, from the first line of /proc/stat.
fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(cpu) = stat.lines().next() else {
        return (0, 0);
    };
    let v: Vec<u64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …; idle and iowait are not busy.
    let all: u64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    (all.saturating_sub(idle), all)
}

/// Cores of this machine.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
