import { expect } from 'chai';
import { robotRefused, robotSign, robotText, signedRobotUrl } from './robot-webhook.ts';

describe('lib/robot-webhook: DingTalk/WeCom group robots', () => {
  it('signs as DingTalk documents: Base64 HMAC-SHA256 of "timestamp\\nsecret", URL-encoded in the query', () => {
    // Given DingTalk's documented example secret and a timestamp
    const secret = 'SEC000000000000000000000';
    // When the URL is signed
    const url = new URL(signedRobotUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', secret, 1577262236757));
    // Then the token stays, and timestamp and sign are added (sign decodes back to the raw Base64)
    expect(url.searchParams.get('access_token')).to.equal('abc');
    expect(url.searchParams.get('timestamp')).to.equal('1577262236757');
    expect(url.searchParams.get('sign')).to.equal(robotSign(secret, 1577262236757));
    // (the same value Python's hmac/base64 compute for these inputs)
    expect(robotSign(secret, 1577262236757)).to.equal('xOJIB8eNoYWeLy26EMZOlc2RjOJbtPv9HYjm+E3uALU=');
  });

  it('leaves the URL alone without a secret, and reads a refusal from errcode', () => {
    expect(signedRobotUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', null, 1)).to.equal('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k');
    expect(robotText('你好')).to.deep.equal({ msgtype: 'text', text: { content: '你好' } });
    expect(robotRefused({ errcode: 0, errmsg: 'ok' })).to.equal(null);
    expect(robotRefused({ errcode: 310000, errmsg: 'sign not match' })).to.equal('errcode 310000: sign not match');
    expect(robotRefused('ok')).to.equal(null);
  });
});
