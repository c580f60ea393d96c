//! A write/read round trip against the MongoDB-protocol read store with the `mongodb` crate.

use mongodb::bson::{Document, doc};
use test_support::StackEnv;
use test_support::mongo::TestMongo;

#[tokio::test]
async fn a_document_written_to_the_read_store_reads_back_and_updates_in_place() {
    let mongo = TestMongo::create(&StackEnv::from_env())
        .await
        .expect("read store");
    let collection = mongo.database.collection::<Document>("events");

    collection
        .insert_one(doc! { "_id": "event-1", "title": "Opening night", "seats_available": 500 })
        .await
        .expect("insert");
    collection
        .update_one(
            doc! { "_id": "event-1" },
            doc! { "$inc": { "seats_available": -2 } },
        )
        .await
        .expect("update");
    let stored = collection
        .find_one(doc! { "_id": "event-1" })
        .await
        .expect("find")
        .expect("the document exists");

    assert_eq!(stored.get_str("title"), Ok("Opening night"));
    assert_eq!(stored.get_i32("seats_available"), Ok(498));
    assert_eq!(
        collection
            .count_documents(doc! { "title": "Opening night" })
            .await
            .expect("count"),
        1
    );
    mongo.drop().await.expect("drop the test database");
}
