// A local OpenID Connect provider standing in for the national identity (VNeID / the national
// public service portal's SSO) in tests and in the demo. It is the real third-party `oidc-provider`
// package; only the accounts (test identities) and the two interaction pages are ours.
//
// Environment:
//   OIDC_PROVIDER_PORT           port to listen on, on 127.0.0.1 (required)
//   OIDC_PROVIDER_CLIENT_ID      the one registered client (default motcua-demo)
//   OIDC_PROVIDER_CLIENT_SECRET  its secret (default motcua-demo-secret)
//   OIDC_PROVIDER_REDIRECT_URIS  comma-separated redirect URIs of that client (required)
//
// Every test identity signs in with the password `matkhau`. Never expose this server beyond
// 127.0.0.1: it exists to be driven by a test or a developer.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const PORT = Number.parseInt(process.env.OIDC_PROVIDER_PORT || '', 10);
if (!Number.isInteger(PORT) || PORT <= 0) {
  console.error('OIDC_PROVIDER_PORT is required (a free TCP port).');
  process.exit(2);
}
const ISSUER = `http://${HOST}:${PORT}`;
const CLIENT_ID = process.env.OIDC_PROVIDER_CLIENT_ID || 'motcua-demo';
const CLIENT_SECRET = process.env.OIDC_PROVIDER_CLIENT_SECRET || 'motcua-demo-secret';
const REDIRECT_URIS = (process.env.OIDC_PROVIDER_REDIRECT_URIS || '')
  .split(',')
  .map((uri) => uri.trim())
  .filter(Boolean);
if (REDIRECT_URIS.length === 0) {
  console.error('OIDC_PROVIDER_REDIRECT_URIS is required (the relying party callback URLs).');
  process.exit(2);
}
const PASSWORD = 'matkhau';
// Assurance levels of the national electronic identity (Decree 69/2024/NĐ-CP: level 1, level 2).
const ACR_VALUES = ['urn:vneid:level1', 'urn:vneid:level2'];
const CLAIMS = ['national_id', 'name', 'birthdate', 'gender', 'phone_number', 'email'];

// Test identities, keyed by the 12-digit personal identification number they sign in with.
const IDENTITIES = {
  '022185006789': {
    sub: 'vneid-0001',
    name: 'Hoàng Thị Mai',
    birthdate: '1985-03-14',
    gender: 'female',
    phone_number: '+84904111222',
    email: 'mai.hoang@example.vn',
  },
  '022092003456': {
    sub: 'vneid-0002',
    name: 'Đỗ Văn Hùng',
    birthdate: '1992-11-02',
    gender: 'male',
    phone_number: '0913222333',
  },
  // The same number as the demo citizen "congdan1", whose local account never proved it.
  '022090001234': {
    sub: 'vneid-0003',
    name: 'Nguyễn Văn An',
    birthdate: '1990-05-12',
    gender: 'male',
    phone_number: '0912345678',
    email: 'an.nguyen@example.vn',
  },
  // A record whose date of birth contradicts its number (born 2001 by the number, 2002 here):
  // the relying party must refuse it.
  '022201000111': {
    sub: 'vneid-0004',
    name: 'Lý Thị Sai',
    birthdate: '2002-01-01',
    gender: 'female',
  },
};

function accountBySub(sub) {
  for (const [nationalId, identity] of Object.entries(IDENTITIES)) {
    if (identity.sub === sub) return { nationalId, ...identity };
  }
  return undefined;
}

// A fresh signing key at every start: nothing secret is ever written to disk.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: randomBytes(8).toString('hex'),
  use: 'sig',
  alg: 'RS256',
};

const configuration = {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: REDIRECT_URIS,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  acrValues: ACR_VALUES,
  // VNeID releases the whole profile under scope=openid; so does this stand-in.
  claims: { openid: ['sub', ...CLAIMS], acr: null, auth_time: null },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const account = accountBySub(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { nationalId, sub: _ignored, ...profile } = account;
        return { sub, national_id: nationalId, ...profile };
      },
    };
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600 },
};

const provider = new Provider(ISSUER, configuration);

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Định danh quốc gia (thử nghiệm)</title>
<style>
body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;color:#111}
header{background:#b91c1c;color:#fff;padding:12px 24px;font-weight:600}
main{max-width:460px;margin:32px auto;background:#fff;padding:24px;border-radius:8px;box-shadow:0 1px 4px #0002}
label{display:block;margin:12px 0 4px}input{width:100%;padding:8px;box-sizing:border-box;font-size:1rem}
button{margin-top:16px;padding:10px 16px;font-size:1rem;border:0;border-radius:6px;cursor:pointer}
.primary{background:#b91c1c;color:#fff}.secondary{background:#e5e7eb}
.error{color:#b91c1c}.hint{font-size:.85rem;color:#555}ul{padding-left:20px}
</style></head>
<body><header>Hệ thống định danh và xác thực điện tử — bản thử nghiệm cục bộ</header>
<main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid, error) {
  const identities = Object.entries(IDENTITIES)
    .map(([id, who]) => `<li><code>${id}</code> — ${escapeHtml(who.name)}</li>`)
    .join('');
  return page(
    'Đăng nhập định danh điện tử',
    `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login" autocomplete="off">
<label for="login">Số định danh cá nhân</label><input id="login" name="login" inputmode="numeric" autofocus>
<label for="password">Mật khẩu</label><input id="password" name="password" type="password">
<button class="primary" type="submit">Đăng nhập</button></form>
<form method="post" action="/interaction/${uid}/abort"><button class="secondary" type="submit">Hủy</button></form>
<p class="hint">Danh tính thử nghiệm (mật khẩu <code>${PASSWORD}</code>):</p><ul class="hint">${identities}</ul>`,
  );
}

function consentForm(uid, clientId, account) {
  return page(
    'Chia sẻ thông tin',
    `<p>Dịch vụ <strong>${escapeHtml(clientId)}</strong> đề nghị nhận thông tin định danh của
<strong>${escapeHtml(account?.name ?? '')}</strong>: số định danh cá nhân, họ và tên, ngày sinh,
giới tính, số điện thoại, thư điện tử.</p>
<form method="post" action="/interaction/${uid}/confirm"><button class="primary" type="submit">Đồng ý chia sẻ</button></form>
<form method="post" action="/interaction/${uid}/abort"><button class="secondary" type="submit">Từ chối</button></form>`,
  );
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 10_000) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Lỗi', '<p>Phiên đăng nhập không khớp.</p>'));
  const { prompt, params, session } = details;

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') return send(res, 200, loginForm(uid));
    return send(res, 200, consentForm(uid, params.client_id, accountBySub(session?.accountId)));
  }
  if (req.method !== 'POST') return send(res, 405, page('Lỗi', '<p>Phương thức không hợp lệ.</p>'));

  if (action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'Người dùng từ chối chia sẻ thông tin định danh.',
    }, { mergeWithLastSubmission: false });
  }
  if (action === 'login' && prompt.name === 'login') {
    const form = await readForm(req);
    const nationalId = (form.get('login') || '').trim();
    const identity = IDENTITIES[nationalId];
    if (!identity || form.get('password') !== PASSWORD) {
      return send(res, 200, loginForm(uid, 'Số định danh hoặc mật khẩu không đúng.'));
    }
    const requested = String(params.acr_values || '').split(' ').filter((v) => ACR_VALUES.includes(v));
    return provider.interactionFinished(req, res, {
      login: { accountId: identity.sub, acr: requested[0] || 'urn:vneid:level2' },
    }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm' && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    grant.addOIDCScope(String(params.scope || 'openid'));
    grant.addOIDCClaims(CLAIMS);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 400, page('Lỗi', '<p>Bước đăng nhập không hợp lệ.</p>'));
}

const handler = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(req.url.split('?')[0]);
  if (!match) return handler(req, res);
  try {
    await interaction(req, res, match[1], match[2]);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) {
      send(res, 400, page('Phiên đăng nhập đã hết hạn', '<p>Vui lòng quay lại dịch vụ và đăng nhập lại.</p>'));
    }
  }
});

server.listen(PORT, HOST, () => {
  console.log(`oidc-provider ${ISSUER} ready for client ${CLIENT_ID}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
