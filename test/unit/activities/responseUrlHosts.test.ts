import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackGateway, isSlackResponseUrl, NotSlackUrl } from '../../../activities/slackGateway';

describe('respond() posts only to Slack', () => {
  it('accepts Slack\'s response_url hosts and the configured Web API\'s origin, nothing else', () => {
    expect(isSlackResponseUrl('https://hooks.slack.com/actions/T0/1/abc')).toBe(true);
    expect(isSlackResponseUrl('https://hooks.slack-gov.com/actions/T0/1/abc')).toBe(true);
    expect(isSlackResponseUrl('http://127.0.0.1:4000/response/abc', 'http://127.0.0.1:4000/api/')).toBe(true);
    for (const url of [
      'https://attacker.example/steal',
      'http://hooks.slack.com/actions/T0/1/abc',
      'https://hooks.slack.com:8443/actions/T0/1/abc',
      'https://hooks.slack.com.attacker.example/x',
      'https://hooks.slack.com@attacker.example/x',
      'http://127.0.0.1:4001/response/abc',
      'not a url',
    ]) {
      expect(isSlackResponseUrl(url, 'http://127.0.0.1:4000/api/')).toBe(false);
    }
  });

  it('refuses another host without sending it anything', async () => {
    const hits: string[] = [];
    const attacker = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const slack = createSlackGateway({ botToken: 'xoxb-test', apiUrl: 'http://127.0.0.1:1/api/' });
      const responseUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/steal`;
      await expect(slack.respond({ responseUrl, replaceOriginal: true, text: 'ko_live_secret' })).rejects.toBeInstanceOf(NotSlackUrl);
      expect(hits).toEqual([]);
    } finally {
      await new Promise((resolve) => attacker.close(resolve));
    }
  });
});
