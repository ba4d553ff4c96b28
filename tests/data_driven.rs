#![cfg(feature = "ssr")]
//! Data-driven cases with the real binary: a matrix runs once per
//! combination and a CSV once per row, each instance its own case named with
//! its values (in the log, JUnit and a re-run of failed cases), its values
//! the case's variables.

mod common;
use common::write;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_livesmoke")).args(args).output().unwrap()
}

#[test]
fn a_matrix_and_csv_rows_run_once_per_instance_with_their_values() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "users.csv", "user,plan\nalice,pro\n\"bob, jr\",free\ncarol,pro\n");
    let suite = write(
        d,
        "data.toml",
        "[db.app]\npath = \":memory:\"\n\
         [[case]]\nname = \"login\"\nmatrix = { user = [\"alice\", \"bob\"], plan = [\"free\", \"pro\"] }\n  \
         [[case.step]]\n  sql = \"SELECT ? AS who, ? AS plan\"\n  params = [\"{{user}}\", \"{{plan}}\"]\n  \
         expect = { row = { plan = \"{{plan}}\" } }\n\
         [[case]]\nname = \"pro only\"\nrows = { csv = \"users.csv\" }\n  \
         [[case.step]]\n  sql = \"SELECT ? AS plan\"\n  params = [\"{{plan}}\"]\n  expect = { row = { plan = \"pro\" } }\n",
    );
    let junit = d.join("junit.xml");
    let data = d.join("data");
    let out = run(&[
        "run",
        "--lang",
        "en",
        "--data",
        data.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        suite.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "bob's free row fails: {text}");
    for name in [
        "login [plan=free, user=alice]",
        "login [plan=free, user=bob]",
        "login [plan=pro, user=alice]",
        "login [plan=pro, user=bob]",
        "pro only [user=alice, plan=pro]",
        "pro only [user=bob, jr, plan=free]",
        "pro only [user=carol, plan=pro]",
    ] {
        assert!(text.contains(&format!("case started: {name}")), "{name}: {text}");
    }
    assert!(text.contains("started: 7 cases"), "{text}");
    assert!(text.contains("params: [\"bob, jr\", \"free\"]") || text.contains("bob, jr"), "{text}");
    assert!(text.contains("6 passed, 1 failed"), "{text}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase").count(), 7);
    assert!(xml.contains("name=\"pro only [user=bob, jr, plan=free]\""), "{xml}");

    // Re-run what failed: the one instance.
    let again = run(&["run", "--data", data.to_str().unwrap(), "--rerun-failed", "1"]);
    let text = String::from_utf8_lossy(&again.stdout);
    assert_eq!(again.status.code(), Some(4));
    assert!(text.contains("started: 1 cases") && text.contains("case started: pro only [user=bob, jr, plan=free]"));
}
