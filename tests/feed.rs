//! The change log under concurrent writers: every cursor sees every number exactly once, in
//! order, whether it keeps up with the broadcast, lags behind it, or catches up from the log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed setup step should fail the test loudly

mod common;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Request, Variables};
use fusieregister::auth::Caller;
use fusieregister::domain::TokenRol;
use fusieregister::events::{Feed, Filter, LogCursor};
use fusieregister::graphql::{RegistrySchema, build_schema_with_feed};
use fusieregister::store;
use serde_json::{Value, json};

/// Guards against a hanging test only; it is not a speed requirement.
const HANG_GUARD: Duration = Duration::from_secs(60);

const WRITERS: usize = 8;
const WRITES_EACH: usize = 12;

const WIJZIG: &str = "mutation($sleutel: String!, $opmerking: String!) {
    wijzigAmbtelijkeFusie(input: { sleutel: $sleutel, opmerking: $opmerking }) { ambtelijkeFusie { sleutel } } }";

async fn write(schema: &RegistrySchema, schrijver: usize, sleutel: &str, n: usize) {
    let caller = Caller { token_id: 1, naam: format!("schrijver-{schrijver}"), rol: TokenRol::Editor };
    let variables = json!({ "sleutel": sleutel, "opmerking": format!("schrijver {schrijver}, wijziging {n}") });
    let request = Request::new(WIJZIG).variables(Variables::from_json(variables)).data(caller);
    let response = serde_json::to_value(schema.execute(request).await).unwrap();
    assert!(response.get("errors").is_none(), "{response:#}");
}

/// Reads `count` changes; a cursor with `pause` is slow on purpose, so that it lags.
async fn read(mut cursor: LogCursor, count: usize, pause: Duration) -> (Vec<i64>, LogCursor) {
    let mut numbers = Vec::new();
    while numbers.len() < count {
        let change = tokio::time::timeout(HANG_GUARD, cursor.next()).await.expect("changes arrive").unwrap();
        numbers.push(change.volgnummer);
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    (numbers, cursor)
}

async fn next_number(cursor: &mut LogCursor) -> i64 {
    tokio::time::timeout(HANG_GUARD, cursor.next()).await.expect("a change arrives").unwrap().volgnummer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_are_read_once_each_in_commit_order() {
    let conn = common::concurrent_database().await;
    let before = store::wijziging::latest(&conn).await.unwrap();
    let feed = Arc::new(Feed::new(conn.clone()));
    // A second instance's feed that holds only two changes: its cursor lags and must fall back
    // to the log.
    let small = Arc::new(Feed::new(conn.clone()).with_capacity(2));
    let schema = build_schema_with_feed(conn.clone(), feed.clone());
    let sleutels: Vec<String> = common::data(
        &schema,
        "{ ambtelijkeFusies(first: 8) { edges { node { sleutel } } } }",
        json!({}),
    )
    .await["ambtelijkeFusies"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["sleutel"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sleutels.len(), WRITERS);

    let total = WRITERS * WRITES_EACH;
    let live = LogCursor::open(&feed, None, Filter::default()).await.unwrap();
    let replaying = LogCursor::open(&feed, Some(before), Filter::default()).await.unwrap();
    let lagging = LogCursor::open(&small, None, Filter::default()).await.unwrap();
    let cursors = [
        tokio::spawn(read(live, total, Duration::ZERO)),
        tokio::spawn(read(replaying, total, Duration::ZERO)),
        tokio::spawn(read(lagging, total, Duration::from_millis(2))),
    ];

    let writers: Vec<_> = sleutels
        .iter()
        .enumerate()
        .map(|(schrijver, sleutel)| {
            let (schema, sleutel) = (schema.clone(), sleutel.clone());
            tokio::spawn(async move {
                for n in 0..WRITES_EACH {
                    write(&schema, schrijver, &sleutel, n).await;
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }

    let expected: Vec<i64> = (before + 1..=before + total as i64).collect();
    assert_eq!(store::wijziging::latest(&conn).await.unwrap(), before + total as i64, "one change per write");
    let mut caught_up = Vec::new();
    for cursor in cursors {
        let (numbers, cursor) = cursor.await.unwrap();
        assert_eq!(numbers, expected, "every number once, in order");
        caught_up.push(cursor);
    }

    // Nothing is left over to come twice: the next change any cursor sees is the next write.
    write(&schema, 0, &sleutels[0], WRITES_EACH).await;
    for cursor in &mut caught_up {
        assert_eq!(next_number(cursor).await, before + total as i64 + 1);
    }

    // A cursor that arrives afterwards catches up from the log alone.
    let late = LogCursor::open(&feed, Some(before), Filter::default()).await.unwrap();
    let (numbers, _) = read(late, total + 1, Duration::ZERO).await;
    assert_eq!(numbers, (before + 1..=before + total as i64 + 1).collect::<Vec<_>>());

    // And so does a client that pages through the query.
    let mut paged = Vec::new();
    let mut na = before;
    loop {
        let page = common::data(
            &schema,
            "query($na: Int) { wijzigingen(na: $na, first: 25) { edges { node { volgnummer door } } } }",
            json!({ "na": na }),
        )
        .await;
        let nodes: Vec<Value> =
            page["wijzigingen"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
        let Some(last) = nodes.last() else { break };
        na = last["volgnummer"].as_i64().unwrap();
        paged.extend(nodes.iter().map(|n| n["volgnummer"].as_i64().unwrap()));
        assert!(nodes.iter().all(|n| n["door"].as_str().is_some_and(|d| d.starts_with("schrijver-"))));
    }
    assert_eq!(paged, (before + 1..=before + total as i64 + 1).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_reader_skips_other_records_without_losing_its_place() {
    let conn = common::concurrent_database().await;
    let feed = Arc::new(Feed::new(conn.clone()).with_capacity(1));
    let schema = build_schema_with_feed(conn.clone(), feed.clone());
    let filter = Filter { sleutel: Some("abg".to_owned()), ..Filter::default() };
    let mut cursor = LogCursor::open(&feed, None, filter).await.unwrap();
    for (n, sleutel) in ["a2", "abg", "aa-organisatie", "abg", "a2"].into_iter().enumerate() {
        write(&schema, 0, sleutel, n).await;
    }
    let first = cursor.next().await.unwrap();
    let second = cursor.next().await.unwrap();
    let ids: Vec<Value> = [&first, &second].iter().map(|w| json!([w.volgnummer, w.entiteit_id])).collect();
    let start = store::wijziging::latest(&conn).await.unwrap() - 5;
    assert_eq!(ids, [json!([start + 2, "AmbtelijkeFusie:abg"]), json!([start + 4, "AmbtelijkeFusie:abg"])]);
}
