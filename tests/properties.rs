//! Invariants that must hold for every policy on random workloads: CPU time is conserved,
//! no more processes run than there are CPUs, every process is in exactly one place, the Gantt
//! chart tiles each CPU's time, the time accounting adds up, and runs are reproducible.

mod common;
use proclab::kernel::Program;
use proclab::kernel::event::{Event, EventSink};
use proclab::report::gantt::Kind;
use proclab::report::{self, Options};
use proclab::scenario::Scenario;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
    Cpu(u8),
    Io(u8),
    Sleep(u8),
}

#[derive(Clone, Debug)]
struct Proc {
    arrival: u8,
    priority: u8,
    tickets: u8,
    memory: u8,
    steps: Vec<Step>,
    last_cpu: u8,
}

#[derive(Clone, Debug)]
struct Case {
    policy: String,
    cpus: u8,
    context_switch: u8,
    admission: Option<(u8, bool)>,
    memory: Option<(u8, u8)>,
    servers: u8,
    aging: Option<u8>,
    fork: bool,
    rules: (u8, u8, u8, u8),
    procs: Vec<Proc>,
}

fn policy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("scheduler = \"fcfs\"".to_string()),
        Just("scheduler = \"sjf\"".to_string()),
        Just("scheduler = \"srtf\"".to_string()),
        Just("scheduler = \"priority\"".to_string()),
        Just("scheduler = \"priority-preemptive\"".to_string()),
        Just("scheduler = \"hrrn\"".to_string()),
        (1u8..6).prop_map(|q| format!("scheduler = \"rr\"\nquantum = {q}")),
        (1u8..6).prop_map(|q| format!("scheduler = \"lottery\"\nquantum = {q}")),
        (1u8..6).prop_map(|q| format!("scheduler = \"stride\"\nquantum = {q}")),
        (1u8..4, 1u8..6, 1u8..3, prop_oneof![Just(0u8), 5u8..40], any::<bool>(), any::<bool>()).prop_map(
            |(levels, q, a, boost, stay, front)| format!(
                "scheduler = \"mlfq\"\n[kernel.mlfq]\nlevels = {levels}\nquantum = {q}\nallotment = {a}\nboost = {boost}\nio_resets_allotment = {stay}\nio_to_front = {front}"
            )
        ),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (1u8..9).prop_map(Step::Cpu),
        1 => (1u8..7).prop_map(Step::Io),
        1 => (1u8..6).prop_map(Step::Sleep),
    ]
}

fn process() -> impl Strategy<Value = Proc> {
    (
        0u8..20,
        0u8..5,
        1u8..100,
        0u8..40,
        prop::collection::vec(step(), 0..4),
        1u8..9,
    )
        .prop_map(
            |(arrival, priority, tickets, memory, steps, last_cpu)| Proc {
                arrival,
                priority,
                tickets,
                memory,
                steps,
                last_cpu,
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        policy(),
        1u8..4,
        0u8..3,
        prop::option::of((1u8..4, any::<bool>())),
        prop::option::of((40u8..100, 0u8..4)),
        0u8..3,
        prop::option::of(1u8..5),
        any::<bool>(),
        (0u8..3, 0u8..3, 0u8..3, 0u8..3),
        prop::collection::vec(process(), 1..7),
    )
        .prop_map(
            |(
                policy,
                cpus,
                context_switch,
                admission,
                memory,
                servers,
                aging,
                fork,
                rules,
                procs,
            )| Case {
                policy,
                cpus,
                context_switch,
                admission,
                memory,
                servers,
                aging,
                fork,
                rules,
                procs,
            },
        )
}

fn program(p: &Proc) -> String {
    let mut steps: Vec<String> = p
        .steps
        .iter()
        .map(|s| match s {
            Step::Cpu(n) => format!("\"cpu {n}\""),
            Step::Io(n) => format!("\"io disk {n}\""),
            Step::Sleep(n) => format!("\"sleep {n}\""),
        })
        .collect();
    steps.push(format!("\"cpu {}\"", p.last_cpu));
    steps.join(", ")
}

fn toml(c: &Case) -> String {
    let mut t = String::from("title = \"property\"\nseed = 7\n[kernel]\n");
    t += &format!("cpus = {}\ncontext_switch = {}\n", c.cpus, c.context_switch);
    if let Some((limit, mix)) = c.admission {
        t += &format!(
            "max_multiprogramming = {limit}\nadmission = \"{}\"\n",
            if mix { "mix" } else { "fcfs" }
        );
    }
    if let Some((total, swap)) = c.memory {
        t += &format!("memory = {total}\nswap_time = {swap}\n");
    }
    t += &c.policy;
    t.push('\n');
    if let Some(every) = c.aging
        && c.policy.contains("priority")
    {
        t += &format!("[kernel.aging]\nevery = {every}\n");
    }
    // Each rule is left at its default (0) or set to one of its values.
    let (tie, order, preempted, ties) = c.rules;
    let mut rules = String::new();
    match tie {
        1 => rules += "tie_break = \"file-order\"\n",
        2 => rules += "wakeups = \"after-arrivals\"\n",
        _ => {}
    }
    if order == 1 && c.policy.contains("\"priority") {
        rules += "priority = \"higher-first\"\n";
    }
    if preempted == 1 && (c.policy.contains("quantum") || c.policy.contains("mlfq")) {
        rules += "preempted = \"before-newcomers\"\n";
    }
    if ties == 1 && (c.policy.contains("srtf") || c.policy.contains("priority-preemptive")) {
        rules += "preempt_on_tie = true\n";
    }
    if !rules.is_empty() {
        t += &format!("[kernel.rules]\n{rules}");
    }
    let servers = match c.servers {
        0 => "\"unlimited\"".to_string(),
        n => n.to_string(),
    };
    t += &format!("[kernel.devices.disk]\nservers = {servers}\n");
    for (i, p) in c.procs.iter().enumerate() {
        let mut prog = program(p);
        if i == 0 && c.fork {
            prog = format!("\"fork child\", {prog}, \"wait\"");
        }
        t += &format!(
            "[[process]]\nname = \"P{i}\"\narrival = {}\npriority = {}\ntickets = {}\nmemory = {}\nprogram = [{prog}]\n",
            p.arrival,
            p.priority,
            p.tickets,
            if c.memory.is_some() { p.memory } else { 0 }
        );
    }
    if c.fork {
        t += "[[process]]\nname = \"child\"\nforked_by = \"P0\"\nprogram = [\"cpu 2\", \"io disk 2\", \"cpu 1\"]\n";
    }
    t
}

/// Checks the kernel's own invariants after every step.
struct Checked<'k> {
    events: Vec<Event>,
    _kernel: std::marker::PhantomData<&'k ()>,
}

impl EventSink for Checked<'_> {
    fn event(&mut self, event: Event) {
        self.events.push(event);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn every_policy_keeps_the_books(c in case()) {
        let text = toml(&c);
        let scenario = Scenario::parse("property.toml", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;

        // The kernel's structures are consistent after every step, and a snapshot taken at
        // any step replays to the same events.
        let mut kernel = scenario.kernel();
        let mut sink = Checked { events: Vec::new(), _kernel: std::marker::PhantomData };
        let mut snapshot = None;
        let mut steps = 0;
        while kernel.step(&mut sink).is_some() {
            steps += 1;
            kernel.check_invariants().map_err(|e| TestCaseError::fail(format!("step {steps}: {e}\n{text}")))?;
            let running = kernel.cpus().iter().filter(|c| c.running().is_some()).count();
            prop_assert!(running <= kernel.cpus().len());
            if steps == 3 {
                snapshot = Some((kernel.clone(), sink.events.len()));
            }
            prop_assert!(steps < 100_000, "runaway simulation\n{}", text);
        }
        prop_assert!(kernel.is_done(), "stuck: {:?}\n{}", kernel.stuck(), text);
        // The fast paths change nothing but the speed.
        let mut general: Vec<Event> = Vec::new();
        scenario.kernel().with_fast_paths(false).run(&mut general);
        prop_assert_eq!(&general, &sink.events, "fast path differs\n{}", text);
        if let Some((mut copy, at)) = snapshot {
            let mut replay = Vec::new();
            copy.run(&mut replay);
            prop_assert_eq!(&replay[..], &sink.events[at..]);
        }

        let r = report::run(&scenario, Options { summary_only: false, events: true });
        let makespan = r.summary.makespan;
        for row in &r.rows {
            // CPU time is conserved: every process gets exactly the CPU its program asks for.
            let spec = scenario.specs.iter().find(|s| s.name == row.name).expect("listed");
            let want = match &spec.program { p @ Program::Burst(_) | p @ Program::Steps(_) => p.demand().0 };
            prop_assert_eq!(row.cpu_time, want, "{}\n{}", row.name, text);
            // Every tick between arrival and finish is accounted for exactly once.
            let turnaround = row.turnaround.expect("finished");
            prop_assert_eq!(turnaround, row.cpu_time + row.waiting + row.io_time + row.blocked_time + row.swapped_time, "{}\n{}", row.name, text);
            prop_assert!(row.response.expect("ran") <= row.waiting + row.blocked_time + row.io_time + row.swapped_time);
        }
        // The chart tiles each CPU's time from 0 to the makespan; run time matches CPU time.
        let mut ran = 0;
        for row in &r.gantt {
            let mut at = 0;
            for s in row {
                prop_assert_eq!(s.start, at, "gap or overlap\n{}", text);
                prop_assert!(s.end > s.start);
                at = s.end;
                if s.kind == Kind::Run { ran += s.end - s.start; }
            }
            prop_assert_eq!(at, makespan);
            let by_kind = |k: Kind| row.iter().filter(|s| s.kind == k).map(|s| s.end - s.start).sum::<u64>();
            prop_assert_eq!(by_kind(Kind::Run) + by_kind(Kind::Switch) + by_kind(Kind::Idle), makespan);
        }
        prop_assert_eq!(ran, r.rows.iter().map(|row| row.cpu_time).sum::<u64>());
        let switch_time: u64 = r.gantt.iter().flatten().filter(|s| s.kind == Kind::Switch).map(|s| s.end - s.start).sum();
        prop_assert_eq!(switch_time, r.summary.switch_overhead);

        // The same file gives byte-identical output; the summary-only run agrees.
        let again = report::run(&scenario, Options { summary_only: false, events: true });
        prop_assert_eq!(report::json::render(&r, false), report::json::render(&again, false));
        prop_assert_eq!(report::text::render(&r), report::text::render(&again));
        let summary = report::run(&scenario, Options { summary_only: true, events: false });
        prop_assert_eq!(summary.summary, r.summary);
    }
}

#[derive(Clone, Debug)]
struct Member {
    parent: usize,
    cascade: bool,
    work: Vec<u8>,
    wait: u8,
    kill: Option<usize>,
    exit: Option<u8>,
}

fn family() -> impl Strategy<Value = (String, Vec<Member>)> {
    let member = (
        any::<prop::sample::Index>(),
        prop::bool::weighted(0.2),
        prop::collection::vec(0u8..6, 1..4),
        0u8..3,
        prop::option::weighted(0.3, any::<prop::sample::Index>()),
        prop::option::of(0u8..4),
    );
    (policy(), prop::collection::vec(member, 1..7)).prop_map(|(policy, raw)| {
        let n = raw.len();
        let members = raw
            .into_iter()
            .enumerate()
            .map(|(i, (parent, cascade, work, wait, kill, exit))| Member {
                parent: if i == 0 { 0 } else { parent.index(i) },
                cascade,
                work,
                wait,
                kill: kill.map(|k| k.index(n)).filter(|&k| k != i),
                exit,
            })
            .collect();
        (policy, members)
    })
}

fn family_toml(policy: &str, members: &[Member]) -> String {
    let mut t = format!("title = \"family\"\n[kernel]\ncpus = 2\ncontext_switch = 1\n{policy}\n");
    for (i, m) in members.iter().enumerate() {
        let children: Vec<usize> = (1..members.len())
            .filter(|&c| members[c].parent == i && c != i)
            .collect();
        let mut steps: Vec<String> = Vec::new();
        for (k, w) in m.work.iter().enumerate() {
            if let Some(&c) = children.get(k) {
                steps.push(format!("\"fork M{c}\""));
            }
            steps.push(if *w == 0 {
                "\"sleep 2\"".into()
            } else {
                format!("\"cpu {w}\"")
            });
        }
        for &c in children.iter().skip(m.work.len()) {
            steps.push(format!("\"fork M{c}\""));
        }
        if let Some(k) = m.kill {
            steps.push(format!("\"kill M{k}\""));
        }
        if !children.is_empty() {
            match m.wait {
                0 => {}
                1 => steps.push("\"wait\"".into()),
                _ => steps.push(format!("\"wait M{}\"", children[0])),
            }
        }
        if let Some(code) = m.exit {
            steps.push(format!("\"exit {code}\""));
        }
        t += &format!(
            "[[process]]\nname = \"M{i}\"\ncascade = {}\nprogram = [{}]\n",
            m.cascade,
            steps.join(", ")
        );
        if i > 0 {
            t += &format!("forked_by = \"M{}\"\n", m.parent);
        }
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn process_trees_always_end_with_everyone_reaped((policy, members) in family()) {
        let text = family_toml(&policy, &members);
        let scenario = Scenario::parse("family.toml", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let mut kernel = scenario.kernel();
        let mut events: Vec<Event> = Vec::new();
        let mut steps = 0;
        while kernel.step(&mut events).is_some() {
            steps += 1;
            kernel.check_invariants().map_err(|e| TestCaseError::fail(format!("step {steps}: {e}\n{text}")))?;
            prop_assert!(steps < 10_000);
        }
        prop_assert!(kernel.is_done(), "stuck: {:?}\n{}", kernel.stuck(), text);
        // Nobody is left a zombie: every process that existed was reaped (by a parent or init).
        for p in kernel.processes() {
            prop_assert_eq!(p.state, proclab::kernel::State::Terminated, "{} at the end\n{}", p.name, text);
            prop_assert!(p.exit_status.is_some());
        }
        // Each process is created once and reaped once.
        let created = events.iter().filter(|e| matches!(e, Event::Created { .. })).count();
        let gone = events.iter().filter(|e| matches!(e, Event::Transition(t) if t.to == proclab::kernel::State::Terminated)).count();
        prop_assert_eq!(created, gone);
        prop_assert_eq!(created, kernel.processes().count());
    }
}
