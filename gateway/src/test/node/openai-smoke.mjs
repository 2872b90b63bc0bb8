// The official OpenAI Node SDK, unchanged but for its base URL, against a running gateway (the demo).
// Usage: node openai-smoke.mjs BASE_URL API_KEY. Prints one line per check; exits 1 when any fails.
import OpenAI from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
let failed = 0;

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   openai-node ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL openai-node ${name}: ${e && e.message}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

for (const model of ['claude-sonnet-4-5', 'gemini-2.5-flash']) {
  await check(`${model} whole`, async () => {
    const completion = await client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'Hello there' }], max_completion_tokens: 64,
    });
    assert(completion.choices[0].message.content.length > 0, 'no content');
    assert(completion.choices[0].finish_reason === 'stop', `finish ${completion.choices[0].finish_reason}`);
    assert(completion.usage.completion_tokens > 0, 'no usage');
  });

  await check(`${model} stream with usage`, async () => {
    const stream = await client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'Hello there' }], stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage = null;
    let finish = null;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        finish = choice.finish_reason ?? finish;
      }
      usage = chunk.usage ?? usage;
    }
    assert(text.length > 0, 'no text');
    assert(finish === 'stop', `finish ${finish}`);
    assert(usage && usage.completion_tokens > 0, 'no usage chunk');
  });

  await check(`${model} two parallel tool calls, streamed`, async () => {
    const stream = await client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }], tools: [weather], stream: true,
    }, { headers: { 'x-mock-tool-calls': '2' } });
    const calls = {};
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta?.tool_calls ?? []) {
        calls[delta.index] ??= { id: delta.id, args: '' };
        calls[delta.index].args += delta.function?.arguments ?? '';
      }
    }
    assert(Object.keys(calls).join(',') === '0,1', `indices ${Object.keys(calls)}`);
    assert(calls[0].id && calls[1].id && calls[0].id !== calls[1].id, 'ids');
    assert(JSON.parse(calls[0].args).city, `arguments ${calls[0].args}`);
  });
}

await check('errors in OpenAI shape', async () => {
  try {
    await client.chat.completions.create({
      model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }], temperature: 5,
    });
    throw new Error('no error');
  } catch (e) {
    assert(e.status === 400, `status ${e.status}`);
    assert(e.param === 'temperature', `param ${e.param}`);
  }
});

await check('model list', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert(ids.includes('claude-sonnet-4-5') && ids.includes('gemini-2.5-flash'), ids.join(','));
});

process.exit(failed === 0 ? 0 : 1);
