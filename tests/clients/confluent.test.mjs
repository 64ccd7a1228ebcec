// @confluentinc/kafka-javascript 1.10.1 (bundles librdkafka 2.15.1, which negotiates newer protocol
// versions than Debian's 2.0.2, flexible ones included) against eddy serve: produce and a consumer group,
// then the admin calls at the versions it picks (Metadata v12 with topic ids, ListOffsets v7, OffsetFetch
// v8, DescribeGroups v5, DeleteRecords v2, DeleteGroups v2, DeleteTopics v4), through its
// kafkajs-compatible promise API. Run by ctest with EDDY_BINARY set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startEddy, waitFor } from './eddy_server.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('@confluentinc/kafka-javascript').KafkaJS;

let eddy;
let kafka;

before(async () => {
  eddy = await startEddy();
  kafka = new Kafka({ kafkaJS: { brokers: [eddy.bootstrap], logLevel: logLevel.ERROR } });
});

after(() => { if (eddy) eddy.stop(); });

test('produce and consume in a group', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'ckjs', numPartitions: 3 }] });
  await admin.disconnect();

  const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
  await producer.connect();
  const expected = [];
  for (let i = 0; i < 300; i++) expected.push(`ckjs-${i}`);
  await producer.send({ topic: 'ckjs', messages: expected.map((value, i) => ({ key: `${i % 5}`, value })) });
  await producer.disconnect();

  const consumer = kafka.consumer({ kafkaJS: { groupId: 'ckjs-group', fromBeginning: true } });
  await consumer.connect();
  await consumer.subscribe({ topics: ['ckjs'] });
  const seen = [];
  await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value.toString()); } });
  try {
    await waitFor(() => seen.length >= expected.length, 30000, 'all records');
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual([...seen].sort(), [...expected].sort());
});

// Runs after the group test above: topic 'ckjs' holds its 300 records and 'ckjs-group' has committed.
test('admin at the flexible versions librdkafka 2.15 negotiates', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [meta] = await admin.fetchTopicMetadata({ topics: ['ckjs'] });
    assert.equal(meta.partitions.length, 3);
    assert.notEqual(meta.topicId.base64, 'AAAAAAAAAAAAAAAAAAAAAA', 'Metadata v10+ carries a topic id');
    const [again] = await admin.fetchTopicMetadata({ topics: ['ckjs'] });
    assert.equal(again.topicId.base64, meta.topicId.base64);

    const sum = (offsets) => offsets.reduce((n, o) => n + Number(o.offset), 0);
    const latest = await admin.fetchTopicOffsets('ckjs');
    assert.equal(latest.reduce((n, o) => n + Number(o.high), 0), 300);
    const future = await admin.fetchTopicOffsetsByTimestamp('ckjs', Date.now() + 3600 * 1000);
    assert.equal(sum(future), 300, 'no record after the timestamp: the end of each partition');
    const past = await admin.fetchTopicOffsetsByTimestamp('ckjs', 0);
    assert.equal(sum(past), 0);

    const [committed] = await admin.fetchOffsets({ groupId: 'ckjs-group', topics: ['ckjs'] });
    assert.equal(committed.topic, 'ckjs');
    assert.equal(sum(committed.partitions), 300, 'the group committed everything it read');

    const described = await admin.describeGroups(['ckjs-group']);
    assert.equal(described.groups.length, 1);
    assert.equal(described.groups[0].groupId, 'ckjs-group');

    const deleted = await admin.deleteTopicRecords({ topic: 'ckjs', partitions: [{ partition: 0, offset: '1' }] });
    assert.equal(deleted.length, 1);
    assert.equal(Number(deleted[0].lowWatermark), 1);

    const groups = await admin.deleteGroups(['ckjs-group']);
    assert.equal(groups[0].errorCode ?? 0, 0);
    await admin.deleteTopics({ topics: ['ckjs'] });
    assert.ok(!(await admin.listTopics()).includes('ckjs'), 'deleted before the answer');
  } finally {
    await admin.disconnect();
  }
});
