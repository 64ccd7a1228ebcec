// @confluentinc/kafka-javascript 1.10.1 (bundles librdkafka 2.15.1, which negotiates newer protocol
// versions than Debian's 2.0.2) against eddy serve: produce and a consumer group, through its
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
