//! Each short-term scheduling policy on hand-checked worked examples: the classic textbook
//! workloads, with every number worked out on paper first.

mod common;
use common::*;

#[test]
fn fcfs_convoy_effect_and_its_cure() {
    let convoy = run(&format!(
        "title = \"t\"\n[kernel]\nscheduler = \"fcfs\"\n{}",
        bursts(&[("P1", 24), ("P2", 3), ("P3", 3)])
    ));
    assert_eq!(
        runs(&convoy, 0),
        blocks(&[("P1", 0, 24), ("P2", 24, 27), ("P3", 27, 30)])
    );
    assert_eq!(
        times(&convoy, &["P1", "P2", "P3"]),
        [(0, 24, 0), (24, 27, 24), (27, 30, 27)]
    );
    assert_eq!(convoy.summary.avg_waiting, 17.0);
    let short_first = run(&format!(
        "title = \"t\"\n{}",
        bursts(&[("P2", 3), ("P3", 3), ("P1", 24)])
    ));
    assert_eq!(short_first.summary.avg_waiting, 3.0);
}

#[test]
fn sjf_runs_the_shortest_next_burst() {
    let r = run(&format!(
        "title = \"t\"\n[kernel]\nscheduler = \"sjf\"\n{}",
        bursts(&[("P1", 6), ("P2", 8), ("P3", 7), ("P4", 3)])
    ));
    assert_eq!(
        runs(&r, 0),
        blocks(&[("P4", 0, 3), ("P1", 3, 9), ("P3", 9, 16), ("P2", 16, 24)])
    );
    assert_eq!(r.summary.avg_waiting, 7.0);
}

#[test]
fn sjf_breaks_ties_by_arrival_then_file_order() {
    let toml = "title = \"t\"\n[kernel]\nscheduler = \"sjf\"\n\
        [[process]]\nname = \"long\"\nburst = 5\n\
        [[process]]\nname = \"b\"\narrival = 2\nburst = 2\n\
        [[process]]\nname = \"a\"\narrival = 1\nburst = 2\n\
        [[process]]\nname = \"c\"\narrival = 1\nburst = 2\n";
    let r = run(toml);
    assert_eq!(
        runs(&r, 0),
        blocks(&[("long", 0, 5), ("a", 5, 7), ("c", 7, 9), ("b", 9, 11)])
    );
    let by_file = run(&toml.replace(
        "scheduler = \"sjf\"",
        "scheduler = \"sjf\"\n[kernel.rules]\ntie_break = \"file-order\"",
    ));
    assert_eq!(
        runs(&by_file, 0),
        blocks(&[("long", 0, 5), ("b", 5, 7), ("a", 7, 9), ("c", 9, 11)])
    );
}

const STAGGERED: &str = "[[process]]\nname = \"P1\"\nburst = 8\n\
    [[process]]\nname = \"P2\"\narrival = 1\nburst = 4\n\
    [[process]]\nname = \"P3\"\narrival = 2\nburst = 9\n\
    [[process]]\nname = \"P4\"\narrival = 3\nburst = 5\n";

#[test]
fn srtf_preempts_for_a_shorter_remaining_time() {
    let r = run(&format!(
        "title = \"t\"\n[kernel]\nscheduler = \"srtf\"\n{STAGGERED}"
    ));
    assert_eq!(
        runs(&r, 0),
        blocks(&[
            ("P1", 0, 1),
            ("P2", 1, 5),
            ("P4", 5, 10),
            ("P1", 10, 17),
            ("P3", 17, 26)
        ])
    );
    assert_eq!(
        times(&r, &["P1", "P2", "P3", "P4"]),
        [(9, 17, 0), (0, 4, 0), (15, 24, 15), (2, 7, 2)]
    );
    assert_eq!(r.summary.avg_waiting, 6.5);
    let preempt = r.events.iter().find_map(|e| match e {
        proclab::kernel::Event::Transition(t)
            if matches!(t.reason, proclab::kernel::Reason::Preempted { .. }) =>
        {
            Some(t.reason.describe(&r.names))
        }
        _ => None,
    });
    assert_eq!(preempt.as_deref(), Some("P2 preempts it: remaining 4 < 7"));
}

#[test]
fn the_same_workload_without_preemption() {
    let r = run(&format!(
        "title = \"t\"\n[kernel]\nscheduler = \"sjf\"\n{STAGGERED}"
    ));
    // P1 runs to 8; then P2 (4), P4 (5), P3 (9).
    assert_eq!(
        runs(&r, 0),
        blocks(&[("P1", 0, 8), ("P2", 8, 12), ("P4", 12, 17), ("P3", 17, 26)])
    );
    assert_eq!(r.summary.avg_waiting, 7.75);
}

#[test]
fn priority_runs_the_most_important_first() {
    let toml = "title = \"t\"\n[kernel]\nscheduler = \"priority\"\n\
        [[process]]\nname = \"P1\"\nburst = 10\npriority = 3\n\
        [[process]]\nname = \"P2\"\nburst = 1\npriority = 1\n\
        [[process]]\nname = \"P3\"\nburst = 2\npriority = 4\n\
        [[process]]\nname = \"P4\"\nburst = 1\npriority = 5\n\
        [[process]]\nname = \"P5\"\nburst = 5\npriority = 2\n";
    let r = run(toml);
    assert_eq!(
        runs(&r, 0),
        blocks(&[
            ("P2", 0, 1),
            ("P5", 1, 6),
            ("P1", 6, 16),
            ("P3", 16, 18),
            ("P4", 18, 19)
        ])
    );
    assert!((r.summary.avg_waiting - 8.2).abs() < 1e-9);
    let reversed = run(&toml.replace(
        "\"priority\"\n",
        "\"priority\"\n[kernel.rules]\npriority = \"higher-first\"\n",
    ));
    assert_eq!(runs(&reversed, 0)[0].0, "P4");
}

#[test]
fn preemptive_priority_takes_the_cpu_at_once() {
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"priority-preemptive\"\n\
        [[process]]\nname = \"P1\"\nburst = 5\npriority = 3\n\
        [[process]]\nname = \"P2\"\narrival = 1\nburst = 2\npriority = 1\n\
        [[process]]\nname = \"P3\"\narrival = 2\nburst = 3\npriority = 2\n",
    );
    assert_eq!(
        runs(&r, 0),
        blocks(&[("P1", 0, 1), ("P2", 1, 3), ("P3", 3, 6), ("P1", 6, 10)])
    );
    assert_eq!(
        times(&r, &["P1", "P2", "P3"]),
        [(5, 10, 0), (0, 2, 0), (1, 4, 1)]
    );
}

#[test]
fn aging_lets_a_waiting_process_win_a_tie_it_would_lose() {
    let toml = "title = \"t\"\n[kernel]\nscheduler = \"priority\"\n\
        [[process]]\nname = \"A\"\nburst = 5\npriority = 1\n\
        [[process]]\nname = \"B\"\nburst = 3\npriority = 2\n\
        [[process]]\nname = \"C\"\narrival = 3\nburst = 3\npriority = 1\n";
    let plain = run(toml);
    assert_eq!(
        runs(&plain, 0),
        blocks(&[("A", 0, 5), ("C", 5, 8), ("B", 8, 11)])
    );
    // B ages at 2 and 4 (2 → 0), C at 5 (1 → 0): a tie, and B arrived first.
    let aged = run(&toml.replace(
        "\"priority\"\n",
        "\"priority\"\n[kernel.aging]\nevery = 2\n",
    ));
    assert_eq!(
        runs(&aged, 0),
        blocks(&[("A", 0, 5), ("B", 5, 8), ("C", 8, 11)])
    );
}

#[test]
fn round_robin_with_quantum_4() {
    let r = run(&format!(
        "title = \"t\"\n[kernel]\nscheduler = \"rr\"\nquantum = 4\n{}",
        bursts(&[("P1", 24), ("P2", 3), ("P3", 3)])
    ));
    assert_eq!(
        runs(&r, 0),
        blocks(&[("P1", 0, 4), ("P2", 4, 7), ("P3", 7, 10), ("P1", 10, 30)])
    );
    assert_eq!(
        times(&r, &["P1", "P2", "P3"]),
        [(6, 30, 0), (4, 7, 4), (7, 10, 7)]
    );
    assert!((r.summary.avg_waiting - 17.0 / 3.0).abs() < 1e-9);
}

#[test]
fn context_switches_cost_time_and_count_as_waiting() {
    let r = run(&format!(
        "title = \"t\"\n[kernel]\nscheduler = \"rr\"\nquantum = 4\ncontext_switch = 1\n{}",
        bursts(&[("P1", 24), ("P2", 3), ("P3", 3)])
    ));
    assert_eq!(
        runs(&r, 0),
        blocks(&[("P1", 0, 4), ("P2", 5, 8), ("P3", 9, 12), ("P1", 13, 33)])
    );
    let switches: Vec<(u64, u64)> = r.gantt[0]
        .iter()
        .filter(|s| s.kind == proclab::report::gantt::Kind::Switch)
        .map(|s| (s.start, s.end))
        .collect();
    assert_eq!(switches, [(4, 5), (8, 9), (12, 13)]);
    assert_eq!(
        times(&r, &["P1", "P2", "P3"]),
        [(9, 33, 0), (5, 8, 5), (9, 12, 9)]
    );
    assert_eq!(
        (r.summary.context_switches, r.summary.switch_overhead),
        (3, 3)
    );
    assert!((r.summary.cpu_utilization - 30.0 / 33.0).abs() < 1e-9);
}

#[test]
fn a_new_arrival_enters_the_rr_queue_before_the_expired_process_unless_the_rule_says_otherwise() {
    let toml = "title = \"t\"\n[kernel]\nscheduler = \"rr\"\nquantum = 4\n\
        [[process]]\nname = \"P1\"\nburst = 6\n\
        [[process]]\nname = \"P2\"\narrival = 4\nburst = 2\n";
    let r = run(toml);
    assert_eq!(
        runs(&r, 0),
        blocks(&[("P1", 0, 4), ("P2", 4, 6), ("P1", 6, 8)])
    );
    let r = run(&toml.replace(
        "quantum = 4\n",
        "quantum = 4\n[kernel.rules]\npreempted = \"before-newcomers\"\n",
    ));
    assert_eq!(runs(&r, 0), blocks(&[("P1", 0, 6), ("P2", 6, 8)]));
}

#[test]
fn mlfq_demotes_a_long_job_and_a_newcomer_preempts_it() {
    // OSTEP's mlfq.py -l 0,20,0:5,4,0 -q 2 -n 3 -a 1 gives turnaround 24 and 4.
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"mlfq\"\n[kernel.mlfq]\nlevels = 3\nquantum = 2\nallotment = 1\n\
        [[process]]\nname = \"A\"\nburst = 20\n\
        [[process]]\nname = \"B\"\narrival = 5\nburst = 4\n",
    );
    assert_eq!(
        runs(&r, 0),
        blocks(&[("A", 0, 5), ("B", 5, 9), ("A", 9, 24)])
    );
    assert_eq!(times(&r, &["A", "B"]), [(4, 24, 0), (0, 4, 0)]);
}

#[test]
fn mlfq_boost_moves_lower_jobs_first_to_the_top() {
    // As mlfq.py -l 0,30,0:0,30,0 -q 5 -n 2 -a 1 -B 20: at 20 and 40 both jobs go back to the
    // top queue, bottom queue first (A, then B), and alternate there again.
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"mlfq\"\n[kernel.mlfq]\nquantum = [5, 5]\nallotment = [1, 1]\nboost = 20\n\
        [[process]]\nname = \"A\"\nburst = 30\n\
        [[process]]\nname = \"B\"\nburst = 30\n",
    );
    assert_eq!(
        runs(&r, 0),
        blocks(&[
            ("A", 0, 5),
            ("B", 5, 10),
            ("A", 10, 15),
            ("B", 15, 20),
            ("A", 20, 25),
            ("B", 25, 30),
            ("A", 30, 35),
            ("B", 35, 40),
            ("A", 40, 45),
            ("B", 45, 50),
            ("A", 50, 55),
            ("B", 55, 60)
        ])
    );
}

#[test]
fn mlfq_io_resets_allotment_lets_a_job_game_the_scheduler() {
    let toml = "title = \"t\"\n[kernel]\nscheduler = \"mlfq\"\n[kernel.mlfq]\nquantum = [10, 10]\nallotment = [1, 1]\nio_resets_allotment = true\n\
        [kernel.devices.disk]\nservers = \"unlimited\"\n\
        [[process]]\nname = \"hog\"\nburst = 40\n\
        [[process]]\nname = \"gamer\"\nprogram = [\"cpu 9\", \"io disk 1\", \"cpu 9\", \"io disk 1\", \"cpu 9\"]\n";
    let gamed = run(toml);
    let fair = run(&toml.replace("io_resets_allotment = true", "io_resets_allotment = false"));
    // With the reset the gamer always comes back to the top queue and finishes much sooner.
    let finish = |r: &proclab::report::Report| row(r, "gamer").finish.unwrap();
    assert!(
        finish(&gamed) < finish(&fair),
        "{} vs {}",
        finish(&gamed),
        finish(&fair)
    );
    assert_eq!(finish(&gamed), 39);
}

#[test]
fn stride_is_exactly_proportional() {
    // Strides 100, 200, 40; passes start at 0 and ties go to file order.
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"stride\"\nquantum = 1\n\
        [[process]]\nname = \"A\"\nburst = 50\ntickets = 100\n\
        [[process]]\nname = \"B\"\nburst = 50\ntickets = 50\n\
        [[process]]\nname = \"C\"\nburst = 50\ntickets = 250\n",
    );
    let order: Vec<String> = runs(&r, 0)
        .into_iter()
        .flat_map(|(n, a, b)| std::iter::repeat_n(n, (b - a) as usize))
        .take(10)
        .collect();
    assert_eq!(order, ["A", "B", "C", "C", "C", "A", "C", "C", "A", "B"]);
    let share = |name: &str| {
        runs(&r, 0)
            .iter()
            .filter(|b| b.0 == name && b.2 <= 80)
            .map(|b| b.2 - b.1)
            .sum::<u64>()
    };
    assert_eq!((share("A"), share("B"), share("C")), (20, 10, 50));
}

#[test]
fn lottery_shares_are_proportional_on_average() {
    let r = run(
        "title = \"t\"\nseed = 3\n[kernel]\nscheduler = \"lottery\"\nquantum = 1\n\
        [[process]]\nname = \"A\"\nburst = 1000\ntickets = 75\n\
        [[process]]\nname = \"B\"\nburst = 1000\ntickets = 25\n",
    );
    let a: u64 = runs(&r, 0)
        .iter()
        .filter(|b| b.0 == "A" && b.2 <= 800)
        .map(|b| b.2 - b.1)
        .sum();
    let share = a as f64 / 800.0;
    assert!(
        (0.70..=0.80).contains(&share),
        "A got {share:.3} of the first 800 ticks"
    );
    let again = run(
        "title = \"t\"\nseed = 3\n[kernel]\nscheduler = \"lottery\"\nquantum = 1\n\
        [[process]]\nname = \"A\"\nburst = 1000\ntickets = 75\n\
        [[process]]\nname = \"B\"\nburst = 1000\ntickets = 25\n",
    );
    assert_eq!(
        runs(&r, 0),
        runs(&again, 0),
        "the same seed draws the same tickets"
    );
}

#[test]
fn hrrn_weighs_waiting_against_length() {
    let r = run("title = \"t\"\n[kernel]\nscheduler = \"hrrn\"\n\
        [[process]]\nname = \"P1\"\nburst = 3\n\
        [[process]]\nname = \"P2\"\narrival = 1\nburst = 6\n\
        [[process]]\nname = \"P3\"\narrival = 2\nburst = 4\n\
        [[process]]\nname = \"P4\"\narrival = 3\nburst = 2\n");
    // At 3: ratios 8/6, 5/4, 2/2 → P2. At 9: P3 (7+4)/4 = 2.75, P4 (6+2)/2 = 4 → P4.
    assert_eq!(
        runs(&r, 0),
        blocks(&[("P1", 0, 3), ("P2", 3, 9), ("P4", 9, 11), ("P3", 11, 15)])
    );
    assert_eq!(
        times(&r, &["P1", "P2", "P3", "P4"])
            .iter()
            .map(|t| t.0)
            .collect::<Vec<_>>(),
        [0, 2, 9, 6]
    );
}

#[test]
fn two_cpus_share_the_ready_queue() {
    let r = run(&format!(
        "title = \"t\"\n[kernel]\nscheduler = \"fcfs\"\ncpus = 2\ncontext_switch = 1\n{}",
        bursts(&[("P1", 4), ("P2", 4), ("P3", 4)])
    ));
    assert_eq!(runs(&r, 0), blocks(&[("P1", 0, 4), ("P3", 5, 9)]));
    assert_eq!(runs(&r, 1), blocks(&[("P2", 0, 4)]));
    assert_eq!(r.summary.makespan, 9);
    assert!((r.summary.cpu_utilization - 12.0 / 18.0).abs() < 1e-9);
}

#[test]
fn aging_stops_at_the_most_important_priority_in_use() {
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"priority\"\n[kernel.aging]\nevery = 1\nstep = 3\n\
        [[process]]\nname = \"hog\"\nburst = 10\npriority = 1\n\
        [[process]]\nname = \"low\"\nburst = 1\npriority = 4\n",
    );
    let aged: Vec<String> = r
        .events
        .iter()
        .filter_map(|e| match e {
            proclab::kernel::Event::Note {
                reason: reason @ proclab::kernel::Reason::Aged { .. },
                ..
            } => Some(reason.describe(&r.names)),
            _ => None,
        })
        .collect();
    // 4 → 1 → 0 (the floor: priority 0), then no further notes.
    assert_eq!(aged, ["aging: priority 4 → 1", "aging: priority 1 → 0"]);
}

#[test]
fn a_process_picked_again_while_others_wait_says_why() {
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"stride\"\nquantum = 1\n\
        [[process]]\nname = \"A\"\nburst = 4\ntickets = 300\n\
        [[process]]\nname = \"B\"\nburst = 4\ntickets = 100\n",
    );
    let renewed = r.events.iter().find_map(|e| match e {
        proclab::kernel::Event::Note {
            reason: reason @ proclab::kernel::Reason::QuantumRenewed { .. },
            ..
        } => Some(reason.describe(&r.names)),
        _ => None,
    });
    let text = renewed.expect("A keeps the CPU at some point");
    assert!(text.contains("picked again (stride: lowest pass"), "{text}");
    assert!(!text.contains("nothing else is ready"), "{text}");
}

#[test]
fn preempt_on_tie_hands_the_cpu_to_the_newcomer() {
    let toml = "title = \"t\"\n[kernel]\nscheduler = \"srtf\"\n\
        [[process]]\nname = \"A\"\nburst = 5\n\
        [[process]]\nname = \"B\"\narrival = 2\nburst = 3\n";
    assert_eq!(runs(&run(toml), 0), blocks(&[("A", 0, 5), ("B", 5, 8)]));
    let tie = run(&toml.replace(
        "\"srtf\"\n",
        "\"srtf\"\n[kernel.rules]\npreempt_on_tie = true\n",
    ));
    assert_eq!(
        runs(&tie, 0),
        blocks(&[("A", 0, 2), ("B", 2, 5), ("A", 5, 8)])
    );
}

#[test]
fn a_stride_newcomer_starts_from_the_pass_the_running_process_has_reached() {
    // A has run 5 ticks (pass 500) when B arrives, so B starts at 500, not 0: they alternate.
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"stride\"\nquantum = 10\n[kernel.rules]\ntie_break = \"file-order\"\n\
        [[process]]\nname = \"B\"\narrival = 5\nburst = 20\n\
        [[process]]\nname = \"A\"\nburst = 30\n",
    );
    assert_eq!(
        runs(&r, 0),
        blocks(&[
            ("A", 0, 10),
            ("B", 10, 20),
            ("A", 20, 30),
            ("B", 30, 40),
            ("A", 40, 50)
        ])
    );
}

#[test]
fn an_mlfq_newcomer_loaded_late_is_an_arrival_not_a_return_from_waiting() {
    // C must wait for memory; when it is swapped in it joins the back of its queue even with
    // io_to_front, which is for processes coming back from waiting.
    let r = run(
        "title = \"t\"\n[kernel]\nscheduler = \"mlfq\"\nmemory = 100\n[kernel.mlfq]\nquantum = [10]\nio_to_front = true\n\
        [[process]]\nname = \"B\"\nburst = 20\n\
        [[process]]\nname = \"A\"\nmemory = 60\nburst = 20\n\
        [[process]]\nname = \"C\"\narrival = 1\nmemory = 60\nburst = 5\n",
    );
    assert_eq!(runs(&r, 0)[..2], blocks(&[("B", 0, 10), ("C", 10, 15)]));
    let preempted = r.events.iter().any(|e| matches!(e, proclab::kernel::Event::Transition(t) if matches!(t.reason, proclab::kernel::Reason::Preempted { .. })));
    assert!(!preempted, "nobody is preempted");
}

#[test]
fn two_equal_newcomers_do_not_take_the_cpu_from_each_other_forever() {
    // Found by the property test: at 40 two processes of priority 0 come in together (one
    // admitted, one swapped in) under preempt_on_tie; each may preempt only once.
    let r = run("title = \"property\"\n\
        seed = 7\n\
        [kernel]\n\
        cpus = 1\n\
        context_switch = 0\n\
        max_multiprogramming = 2\n\
        admission = \"mix\"\n\
        memory = 56\n\
        swap_time = 0\n\
        scheduler = \"priority-preemptive\"\n\
        [kernel.rules]\n\
        wakeups = \"after-arrivals\"\n\
        preempt_on_tie = true\n\
        [kernel.devices.disk]\n\
        servers = 2\n\
        [[process]]\n\
        name = \"P0\"\n\
        arrival = 6\n\
        priority = 0\n\
        tickets = 15\n\
        memory = 33\n\
        program = [\"cpu 7\", \"cpu 3\"]\n\
        [[process]]\n\
        name = \"P1\"\n\
        arrival = 7\n\
        priority = 0\n\
        tickets = 27\n\
        memory = 2\n\
        program = [\"cpu 6\", \"cpu 1\"]\n\
        [[process]]\n\
        name = \"P2\"\n\
        arrival = 4\n\
        priority = 0\n\
        tickets = 68\n\
        memory = 3\n\
        program = [\"cpu 8\", \"cpu 6\", \"cpu 8\"]\n\
        [[process]]\n\
        name = \"P3\"\n\
        arrival = 16\n\
        priority = 2\n\
        tickets = 76\n\
        memory = 27\n\
        program = [\"io disk 6\", \"cpu 4\"]\n\
        [[process]]\n\
        name = \"P4\"\n\
        arrival = 5\n\
        priority = 4\n\
        tickets = 85\n\
        memory = 32\n\
        program = [\"cpu 3\", \"cpu 2\", \"cpu 5\"]\n\
        [[process]]\n\
        name = \"P5\"\n\
        arrival = 19\n\
        priority = 0\n\
        tickets = 15\n\
        memory = 12\n\
        program = [\"sleep 2\", \"cpu 3\"]\n");
    assert_eq!(r.summary.processes, 6);
    let preemptions_at_40 = r
        .events
        .iter()
        .filter(|e| matches!(e, proclab::kernel::Event::Transition(t) if t.time == 40 && matches!(t.reason, proclab::kernel::Reason::Preempted { .. })))
        .count();
    assert!(
        preemptions_at_40 <= 1,
        "{preemptions_at_40} preemptions at 40"
    );
}
