// kafkajs 2.2.4 against eddy serve: admin (create, list, metadata, describe configs, delete), produce
// with every codec kafkajs can use (gzip built in; snappy, lz4, zstd through their codec packages), and
// a consumer group that reads everything back. Run by ctest with EDDY_BINARY set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startEddy, waitFor } from './eddy_server.mjs';

const require = createRequire(import.meta.url);
const { Kafka, CompressionTypes, CompressionCodecs, logLevel, ConfigResourceTypes } = require('kafkajs');
CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy');
const LZ4 = require('kafkajs-lz4');
CompressionCodecs[CompressionTypes.LZ4] = new LZ4().codec;
const ZstdCodec = require('@kafkajs/zstd');
CompressionCodecs[CompressionTypes.ZSTD] = ZstdCodec();

let eddy;
let kafka;

before(async () => {
  eddy = await startEddy();
  kafka = new Kafka({ clientId: 'eddy-kafkajs-test', brokers: [eddy.bootstrap], logLevel: logLevel.ERROR,
    retry: { retries: 5, initialRetryTime: 100 } });
});

after(() => { if (eddy) eddy.stop(); });

test('admin creates, lists, describes and deletes topics', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic: 'js-admin', numPartitions: 3,
      configEntries: [{ name: 'retention.ms', value: '654321' }] }], waitForLeaders: true }), true);
    assert.ok((await admin.listTopics()).includes('js-admin'));
    const md = await admin.fetchTopicMetadata({ topics: ['js-admin'] });
    assert.equal(md.topics[0].partitions.length, 3);
    const cfg = await admin.describeConfigs({ includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js-admin' }] });
    const entries = Object.fromEntries(cfg.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    assert.equal(entries['retention.ms'], '654321');
    await admin.deleteTopics({ topics: ['js-admin'] });
    assert.ok(!(await admin.listTopics()).includes('js-admin'));
  } finally {
    await admin.disconnect();
  }
});

test('every codec round-trips through a consumer group', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'js-codecs', numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const codecs = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy,
    lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };
  const expected = new Set();
  for (const [name, compression] of Object.entries(codecs)) {
    const messages = [];
    for (let i = 0; i < 50; i++) {
      const value = `${name}-repetitive-payload-${i}`;
      messages.push({ key: `${i % 7}`, value, headers: { codec: name } });
      expected.add(value);
    }
    await producer.send({ topic: 'js-codecs', acks: -1, compression, messages });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'js-group', sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'js-codecs', fromBeginning: true });
  const seen = new Map();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const v = message.value.toString();
      seen.set(v, (seen.get(v) ?? 0) + 1);
      assert.ok(v.startsWith(message.headers.codec.toString()));
    },
  });
  try {
    await waitFor(() => seen.size >= expected.size, 30000, 'all records');
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual([...seen.keys()].sort(), [...expected].sort());
  for (const [v, n] of seen) assert.equal(n, 1, `${v} seen ${n} times`);
});
