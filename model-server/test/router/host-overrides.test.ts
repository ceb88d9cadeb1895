import test from 'ava';
import { applyHostOverrides, parseHostOverrides } from '../../src/router/host-overrides.js';

test('host:port entries rewrite the origin; host-only entries keep the port', (t) => {
  const overrides = parseHostOverrides(
    'house-price-master.ml.svc:8080=127.0.0.5:8081, house-price-candidate.ml.svc=127.0.0.6\n# comment\n',
  );
  t.is(applyHostOverrides('http://house-price-master.ml.svc:8080', overrides), 'http://127.0.0.5:8081');
  t.is(applyHostOverrides('http://house-price-candidate.ml.svc:9000', overrides), 'http://127.0.0.6:9000');
  t.is(applyHostOverrides('http://other.ml.svc:8080', overrides), 'http://other.ml.svc:8080');
  t.is(
    applyHostOverrides('http://house-price-master.ml.svc:9999', overrides),
    'http://house-price-master.ml.svc:9999',
  );
});

test('a bad entry is refused with the entry named', (t) => {
  const err = t.throws(() => parseHostOverrides('a:1=b:2,broken'));
  t.regex(err!.message, /"broken": expected from=to/);
  t.throws(() => parseHostOverrides('a=b=c'));
  t.is(parseHostOverrides('').size, 0);
});
