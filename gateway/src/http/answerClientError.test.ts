import { describe, expect, it } from 'vitest';
import { clientErrorAnswer } from './answerClientError.ts';

describe('clientErrorAnswer', () => {
  it('[CONTRACT 3] says what to fix for each parser error, with a registry code', () => {
    const cases: Array<[string | undefined, string, RegExp]> = [
      ['HPE_HEADER_OVERFLOW', 'payload_too_large', /larger than 16 KB; send a shorter URL/],
      [
        'HPE_UNEXPECTED_CONTENT_LENGTH',
        'validation_failed',
        /Content-Length twice, or Content-Length and Transfer-Encoding/,
      ],
      ['HPE_PAUSED_H2_UPGRADE', 'validation_failed', /HTTP\/2 is not served here; send HTTP\/1\.1/],
      ['HPE_LF_EXPECTED', 'validation_failed', /end every line with \\r\\n/],
      ['HPE_CR_EXPECTED', 'validation_failed', /bare CR/],
      ['CONNECT', 'validation_failed', /^CONNECT is not served/],
      ['ERR_HTTP_REQUEST_TIMEOUT', 'validation_failed', /not received in time/],
      ['HPE_SOMETHING_NEW', 'validation_failed', /\(HPE_SOMETHING_NEW\)/],
      [undefined, 'validation_failed', /\(parse error\)/],
    ];
    for (const [code, expected, message] of cases) {
      const answer = clientErrorAnswer(code, 16 * 1024);
      expect({ code, answer: answer.code }).toEqual({ code, answer: expected });
      expect(answer.message).toMatch(message);
    }
  });
});
