//! USER_SRP_AUTH's client math against pycognito's (an independent client,
//! tests/oracle/pycognito_srp.py): the same secret `a`, challenge and time give the same SRP_A,
//! claim signature and timestamp, on random challenges — numbers with and without their top bit
//! set, short and long pool names, unicode user ids and passwords, one- and two-digit days — and
//! the same SECRET_HASH.

mod common;

use base64::Engine;
use cognito_native::fuzzing::{srp_password_claim, srp_secret_hash};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, UNIX_EPOCH};

fn random_hex(bytes: usize, top_bit: bool) -> String {
    let mut b: Vec<u8> = (0..bytes).map(|_| fastrand::u8(..)).collect();
    // A top byte that is not zero (Cognito's hex has no leading zeros), with the top bit as asked.
    b[0] = if top_bit {
        b[0] | 0x80
    } else {
        (b[0] & 0x7f).max(1)
    };
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn pycognito_agrees_with_our_srp_answers() {
    let python = common::python_venv().join("bin/python");
    let mut cases = vec![];
    for i in 0..40 {
        let top = i % 2 == 0;
        let pool_id = if i % 3 == 0 {
            "us-east-1_a"
        } else {
            "eu-west-1_AbCdEf123"
        };
        let user = [
            "player-1",
            "jöns.ünïcode@example.com",
            "8c2d7d24-6bd1-4c8e-a1b9-f3e0f6a3c0de",
        ][i % 3];
        let long_password = "Aa1!".repeat(64);
        let password = ["hunter2!", "pässwörd with spaces ✓", long_password.as_str()][i % 3];
        // Days 1..9 and 10..31, at various times of day.
        let unix_time = 1_704_067_200 + (i as u64) * 86_400 * 9 + (i as u64) * 3_777;
        cases.push(json!({
            "a_hex": random_hex(128, top),
            "pool_id": pool_id,
            "username": user,
            "user_id_for_srp": user,
            "password": password,
            "salt_hex": random_hex(16, !top),
            "srp_b_hex": random_hex(384, top),
            "secret_block": base64::engine::general_purpose::STANDARD
                .encode((0..(50 + i * 7)).map(|_| fastrand::u8(..)).collect::<Vec<u8>>()),
            "unix_time": unix_time,
            "client_id": "26pnk5kolmsekgqh4fvoc2o0ub",
            "client_secret": if i % 4 == 0 { Value::Null } else { json!("s3cr3t-client-secret-value") },
        }));
    }
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    let mut child = Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/oracle/pycognito_srp.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run pycognito");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pycognito failed");
    let answers: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());
    for (c, theirs) in cases.iter().zip(&answers) {
        let s = |k: &str| c[k].as_str().unwrap();
        let pool_name = s("pool_id").split_once('_').unwrap().1;
        let at = UNIX_EPOCH + Duration::from_secs(c["unix_time"].as_u64().unwrap());
        let (srp_a, signature, timestamp) = srp_password_claim(
            s("a_hex"),
            pool_name,
            s("user_id_for_srp"),
            s("password"),
            s("salt_hex"),
            s("srp_b_hex"),
            s("secret_block"),
            at,
        )
        .unwrap();
        assert_eq!(theirs["srp_a"], srp_a.as_str(), "SRP_A of {c}");
        assert_eq!(theirs["timestamp"], timestamp.as_str(), "TIMESTAMP of {c}");
        assert_eq!(theirs["signature"], signature.as_str(), "signature of {c}");
        if let Some(secret) = c["client_secret"].as_str() {
            let ours = srp_secret_hash(secret, s("username"), s("client_id"));
            assert_eq!(theirs["secret_hash"], ours.as_str(), "SECRET_HASH of {c}");
        }
    }
    println!("pycognito agrees on {} SRP answers", cases.len());
}
