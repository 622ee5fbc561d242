import { crc32, deflateSync } from 'node:zlib';
import { Client } from 'pg';
import sharp from 'sharp';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser, organizationId } from '../../support/users';

interface Problem {
  status: number;
  code: string;
  errors?: { field: string; message: string }[];
}

interface Profile {
  id: string;
  name: string | null;
  email: string | null;
  role: string;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  notificationPreferences: Record<string, boolean>;
  lastSignInAt: string | null;
  mfaEnabled: boolean;
  avatarUrl: string | null;
}

/**
 * A black 1-bit grayscale PNG of any size in a few kilobytes: a decompression bomb when large.
 * With `rows`, only that many rows of pixel data follow (the header still declares them all).
 */
function blackPng(width: number, height: number, rows = height): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, no filter, no interlace
  // each row: filter byte 0, then width bits of zeros
  const pixels = deflateSync(Buffer.alloc(rows * (1 + Math.ceil(width / 8))), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const fieldsOf = (body: unknown) => ((body as Problem).errors ?? []).map((e) => e.field);

describe('profile and preferences', () => {
  let t: TestApp;
  let org: string;

  beforeAll(async () => {
    // a global body limit well above the avatar's shows the avatar route keeps its own 1 MiB
    t = await startTestApp({ overrides: { BODY_LIMIT_BYTES: String(8 * 1024 * 1024) } });
    org = await organizationId(t);
  });

  afterAll(async () => {
    await t.close();
  });

  async function member(role = 'Developer'): Promise<{ id: string; token: string }> {
    const user = await createUser(t, { organizationId: org, role });
    return { id: user.id, token: await t.api.login('default', user.email, user.password) };
  }

  const patchMe = (token: string, body: unknown) => t.api.request<Profile>('PATCH', '/api/v1/me', { token, body });
  const me = async (token: string) => (await t.api.get<Profile>('/api/v1/me', token)).body;
  const upload = (token: string, rawBody: Buffer | string, contentType = 'image/png') =>
    t.api.request<Profile>('PUT', '/api/v1/me/avatar', { token, rawBody, headers: { 'content-type': contentType } });

  async function eventsOf(userId: string, type: string): Promise<{ payload: Record<string, unknown>; actor: { id: string } }[]> {
    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query<{ payload: Record<string, unknown>; actor: { id: string } }>(
        "select payload, actor from events where type = $1 and subject->>'id' = $2 order by seq",
        [type, userId],
      );
      return rows;
    } finally {
      await sql.end();
    }
  }

  it('updates each field and reads it back through GET /api/v1/me', async () => {
    const { token } = await member();
    const before = await me(token);
    expect(before).toMatchObject({
      phone: null,
      timezone: null,
      locale: null,
      notificationPreferences: { securityAlerts: true, invitationOutcomes: true, weeklyDigest: false, productUpdates: false },
      lastSignInAt: expect.any(String),
      mfaEnabled: false,
      avatarUrl: null,
    });

    const response = await patchMe(token, {
      name: '  Ada Lovelace  ',
      phone: '+14155550123',
      timezone: 'Europe/Paris',
      locale: 'en-gb',
      notificationPreferences: { weeklyDigest: true, securityAlerts: false },
    });
    expect(response.status).toBe(200);
    const expected = {
      name: 'Ada Lovelace',
      phone: '+14155550123',
      timezone: 'Europe/Paris',
      locale: 'en-GB',
      notificationPreferences: { securityAlerts: false, invitationOutcomes: true, weeklyDigest: true, productUpdates: false },
    };
    expect(response.body).toMatchObject(expected);
    expect(await me(token)).toMatchObject(expected);

    // null clears; preferences not sent keep their values
    expect((await patchMe(token, { phone: null, timezone: null, locale: null, notificationPreferences: { productUpdates: true } })).status).toBe(200);
    expect(await me(token)).toMatchObject({
      name: 'Ada Lovelace',
      phone: null,
      timezone: null,
      locale: null,
      notificationPreferences: { securityAlerts: false, invitationOutcomes: true, weeklyDigest: true, productUpdates: true },
    });
  });

  it('names every bad field in one 400 problem, and changes nothing', async () => {
    const { token } = await member();
    const response = await patchMe(token, {
      name: '',
      phone: '0612345678',
      timezone: 'Mars/Olympus',
      locale: 'not a locale!',
      notificationPreferences: { weeklyDigest: true, pigeonPost: true },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(response.body)).toEqual(['name', 'phone', 'timezone', 'locale', 'notificationPreferences.pigeonPost']);
    expect((await me(token)).notificationPreferences.weeklyDigest).toBe(false);

    for (const [body, field] of [
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ locale: 'en_US' }, 'locale'],
      [{ phone: '+1 415 555 0123' }, 'phone'],
      [{ notificationPreferences: { smsSpam: false } }, 'notificationPreferences.smsSpam'],
      [{ notificationPreferences: { weeklyDigest: 'yes' } }, 'notificationPreferences.weeklyDigest'],
    ] as const) {
      const single = await patchMe(token, body);
      expect(single.status).toBe(400);
      expect(fieldsOf(single.body)).toEqual([field]);
    }
  });

  it('refuses email, role and status through PATCH /me', async () => {
    const { token } = await member('Viewer');
    const response = await patchMe(token, { email: 'new@example.com', role: 'Administrator', status: 'active' });
    expect(response.status).toBe(400);
    expect(fieldsOf(response.body).sort()).toEqual(['email', 'role', 'status']);
    expect(await me(token)).toMatchObject({ role: 'Viewer' });
  });

  it('answers an edit that waited for the row with what the holder committed meanwhile (the avatar)', async () => {
    const { id, token } = await member();
    const holder = new Client({ connectionString: t.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from users where id = $1 for update', [id]);
      await holder.query(`insert into avatars (user_id, organization_id, content_type, image, updated_at) values ($1, $2, 'image/webp', '\\x00', now())`, [id, org]);
      const edit = patchMe(token, { name: 'Waited' });
      // the edit is queued on the row lock before the holder commits
      await eventually(async () => {
        const { rows } = await holder.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
        );
        return rows[0].n > 0 ? true : undefined;
      }, 10_000, 'the edit waiting for the row');
      await holder.query('commit');
      const answer = await edit;
      expect(answer.status).toBe(200);
      expect(answer.body.name).toBe('Waited');
      expect(answer.body.avatarUrl).toMatch(new RegExp(`^/api/v1/users/${id}/avatar`));
      expect(answer.body.avatarUrl).toBe((await me(token)).avatarUrl);
    } finally {
      await holder.end();
    }
  });

  it('records user.profile_updated naming the changed fields, never their values; no change, no event', async () => {
    const { id, token } = await member();
    await patchMe(token, { name: 'Grace Hopper', phone: '+442071838750', locale: 'en-GB' });
    // the same values again, and an empty change: 200 with the profile, nothing recorded
    const same = await patchMe(token, { name: 'Grace Hopper', phone: '+442071838750', locale: 'en-gb', notificationPreferences: { weeklyDigest: false } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ name: 'Grace Hopper' });
    expect((await patchMe(token, {})).status).toBe(200);

    const events = await eventsOf(id, 'user.profile_updated');
    expect(events).toHaveLength(1);
    expect(events[0].payload).toEqual({ fields: ['name', 'phone', 'locale'] });
    expect(events[0].actor.id).toBe(id);
    const text = JSON.stringify(events);
    expect(text).not.toContain('Grace');
    expect(text).not.toContain('442071838750');
  });

  describe('avatar', () => {
    it('stores a PNG as a 256×256 WebP and serves it at the profile’s avatarUrl', async () => {
      const { id, token } = await member();
      const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#336699' } })
        .png()
        .toBuffer();
      const response = await upload(token, png);
      expect(response.status).toBe(200);
      const avatarUrl = (await me(token)).avatarUrl;
      expect(avatarUrl).toMatch(new RegExp(`^/api/v1/users/${id}/avatar`));
      expect(response.body.avatarUrl).toBe(avatarUrl);

      const served = await fetch(t.api.baseUrl + avatarUrl, { headers: { authorization: `Bearer ${token}` } });
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect(served.headers.get('cache-control')).toMatch(/private/);
      const image = Buffer.from(await served.arrayBuffer());
      const metadata = await sharp(image).metadata();
      expect(metadata).toMatchObject({ format: 'webp', width: 256, height: 256 });
      expect(metadata.exif).toBeUndefined();

      // a colleague of the same organization sees it too; the event carries no bytes
      const colleague = await member('Viewer');
      expect((await t.api.get(`/api/v1/users/${id}/avatar`, colleague.token)).status).toBe(200);
      const events = await eventsOf(id, 'user.avatar_updated');
      expect(events).toHaveLength(1);
      expect(events[0].payload).toEqual({ contentType: 'image/webp' });
    });

    it('accepts JPEG and WebP, and a generic octet-stream, by their bytes; a new picture replaces the old', async () => {
      const { id, token } = await member();
      const base = (background: string) => sharp({ create: { width: 300, height: 900, channels: 3, background } });
      const served = async (url: string | null) => {
        const response = await fetch(t.api.baseUrl + String(url), { headers: { authorization: `Bearer ${token}` } });
        return Buffer.from(await response.arrayBuffer());
      };
      const withExif = await base('#aa3311')
        .jpeg()
        .withExif({ IFD0: { Copyright: 'Secret Camera Owner', Make: 'GatehouseCam' } })
        .toBuffer();
      const jpeg = await upload(token, withExif, 'image/jpeg');
      expect(jpeg.status).toBe(200);
      const first = await served(jpeg.body.avatarUrl);
      // metadata is stripped: no EXIF survives re-encoding
      expect((await sharp(first).metadata()).exif).toBeUndefined();
      expect(first.includes(Buffer.from('Secret Camera Owner'))).toBe(false);

      // the declared type does not matter, the bytes do
      const webp = await upload(token, await base('#11aa33').webp().toBuffer(), 'application/octet-stream');
      expect(webp.status).toBe(200);
      expect((await upload(token, await base('#3311aa').png().toBuffer(), 'image/webp')).status).toBe(200);
      const last = await me(token);
      const { dominant } = await sharp(await served(last.avatarUrl)).stats();
      expect(dominant.b).toBeGreaterThan(dominant.r);
      expect(await eventsOf(id, 'user.avatar_updated')).toHaveLength(3);
    });

    it('refuses a body over 1 MiB with 413 problem details', async () => {
      const { token } = await member();
      const huge = Buffer.alloc(5 * 1024 * 1024, 0x41);
      huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const response = await upload(token, huge);
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      // streamed without a Content-Length, it is cut off once past the limit
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(256 * 1024));
          controller.close();
        },
      });
      const streamed = await fetch(`${t.api.baseUrl}/api/v1/me/avatar`, {
        method: 'PUT',
        body: chunks,
        duplex: 'half',
        headers: { 'content-type': 'image/png', authorization: `Bearer ${token}` },
      });
      expect(streamed.status).toBe(413);
    });

    it('refuses a text file sent as image/png, naming avatar', async () => {
      const { token } = await member();
      const response = await upload(token, 'definitely not a picture\n', 'image/png');
      expect(response.status).toBe(400);
      expect(fieldsOf(response.body)).toEqual(['avatar']);
      expect((response.body as unknown as Problem & { errors: { message: string }[] }).errors[0].message).toMatch(/PNG, JPEG or WebP/);
    });

    it('refuses a PNG signature with nothing decodable after it', async () => {
      const { token } = await member();
      const truncated = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const response = await upload(token, truncated);
      expect(response.status).toBe(400);
      expect(fieldsOf(response.body)).toEqual(['avatar']);
      const cut = (await sharp({ create: { width: 400, height: 400, channels: 3, background: '#123456' } }).png().toBuffer()).subarray(0, 60);
      expect(fieldsOf((await upload(token, cut)).body)).toEqual(['avatar']);
    });

    it('refuses a decompression bomb, a small PNG of more than 25 megapixels, naming avatar', async () => {
      const { token } = await member();
      // 30 megapixels in a few kilobytes, complete and decodable: refused by its size alone
      const thirty = blackPng(6000, 5000);
      expect(thirty.length).toBeLessThan(64 * 1024);
      // ten gigapixels declared, a few rows present
      const ten = blackPng(100_000, 100_000, 16);
      for (const bomb of [thirty, ten]) {
        const response = await upload(token, bomb);
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(fieldsOf(response.body)).toEqual(['avatar']);
        expect((response.body as unknown as Problem & { errors: { message: string }[] }).errors[0].message).toMatch(/at most 25 megapixels/);
      }
      expect((await me(token)).avatarUrl).toBeNull();
      // just under the limit is a picture like any other
      expect((await upload(token, blackPng(5000, 5000))).status).toBe(200);
    });

    it('decodes two pictures at a time with four more in line, and answers 503 with Retry-After beyond that', async () => {
      const { token } = await member();
      // 23 megapixels each: a PNG has no shrink-on-load, so every one is fully decoded
      const heavy = blackPng(4800, 4800);
      const responses = await Promise.all(Array.from({ length: 24 }, () => upload(token, heavy)));
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(6);
      const busy = responses.filter((response) => response.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      for (const response of busy) {
        expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 503, code: 'USERS.AVATAR_BUSY' });
      }
      // the slots are free again once the burst is over
      expect((await upload(token, heavy)).status).toBe(200);
    });

    it('refuses a JSON body on the avatar route, and image bodies elsewhere', async () => {
      const { token } = await member();
      const json = await t.api.request('PUT', '/api/v1/me/avatar', { token, body: { image: 'x' } });
      expect(json.status).toBe(400);
      expect(fieldsOf(json.body)).toEqual(['avatar']);
      const elsewhere = await t.api.request('PATCH', '/api/v1/me', { token, rawBody: Buffer.from([0xff, 0xd8, 0xff]), headers: { 'content-type': 'image/jpeg' } });
      expect(elsewhere.status).toBe(415);
    });

    it('removes the picture: 204, an event, then 404', async () => {
      const { id, token } = await member();
      const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } })
        .png()
        .toBuffer();
      expect((await upload(token, png)).status).toBe(200);
      expect((await t.api.request('DELETE', '/api/v1/me/avatar', { token })).status).toBe(204);
      expect((await t.api.get(`/api/v1/users/${id}/avatar`, token)).status).toBe(404);
      expect((await me(token)).avatarUrl).toBeNull();
      expect(await eventsOf(id, 'user.avatar_removed')).toHaveLength(1);
      // nothing left to remove: still 204, nothing recorded
      expect((await t.api.request('DELETE', '/api/v1/me/avatar', { token })).status).toBe(204);
      expect(await eventsOf(id, 'user.avatar_removed')).toHaveLength(1);
    });

    it('does not serve another organization’s pictures', async () => {
      const slug = `avatars-${Date.now()}`;
      const other = await createOrganization(t, slug);
      const otherToken = await t.api.login(slug, other.adminEmail, other.adminPassword);
      const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#00ff00' } }).png().toBuffer();
      expect((await upload(otherToken, png)).status).toBe(200);
      const otherId = (await me(otherToken)).id;
      expect((await t.api.get(`/api/v1/users/${otherId}/avatar`, await t.adminToken())).status).toBe(404);
      expect((await t.api.get(`/api/v1/users/${otherId}/avatar`)).status).toBe(401);
    });
  });

  describe('PATCH /api/v1/users/:id', () => {
    it('lets an administrator edit another user’s profile, recorded with the administrator as actor', async () => {
      const admin = await t.adminToken();
      const adminId = (await me(admin)).id;
      const { id, token } = await member();
      const response = await t.api.request<Profile>('PATCH', `/api/v1/users/${id}`, {
        token: admin,
        body: { name: 'Renamed by admin', timezone: 'Asia/Tokyo', locale: 'ja-jp', phone: '+81312345678' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id, name: 'Renamed by admin', timezone: 'Asia/Tokyo', locale: 'ja-JP', phone: '+81312345678' });
      expect(await me(token)).toMatchObject({ name: 'Renamed by admin', timezone: 'Asia/Tokyo' });
      const events = await eventsOf(id, 'user.profile_updated');
      expect(events.map((e) => e.payload)).toEqual([{ fields: ['name', 'phone', 'timezone', 'locale'] }]);
      expect(events[0].actor.id).toBe(adminId);
    });

    it('validates the same way and keeps preferences, email and role out of reach', async () => {
      const admin = await t.adminToken();
      const { id } = await member();
      const bad = await t.api.request('PATCH', `/api/v1/users/${id}`, { token: admin, body: { timezone: 'Mars/Olympus', locale: '??' } });
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad.body)).toEqual(['timezone', 'locale']);
      const beyond = await t.api.request('PATCH', `/api/v1/users/${id}`, {
        token: admin,
        body: { notificationPreferences: { weeklyDigest: true }, email: 'x@example.com', role: 'Administrator' },
      });
      expect(beyond.status).toBe(400);
      expect(fieldsOf(beyond.body).sort()).toEqual(['email', 'notificationPreferences', 'role']);
    });

    it('answers 404 for another organization’s user and for an unknown id', async () => {
      const admin = await t.adminToken();
      const slug = `profiles-${Date.now()}`;
      const other = await createOrganization(t, slug);
      const otherToken = await t.api.login(slug, other.adminEmail, other.adminPassword);
      const otherId = (await me(otherToken)).id;
      const response = await t.api.request('PATCH', `/api/v1/users/${otherId}`, { token: admin, body: { name: 'Hijacked' } });
      expect(response.status).toBe(404);
      expect((await me(otherToken)).name).not.toBe('Hijacked');
      expect((await t.api.request('PATCH', `/api/v1/users/${crypto.randomUUID()}`, { token: admin, body: { name: 'Nobody' } })).status).toBe(404);
    });

    it('forbids a Viewer from editing someone else', async () => {
      const viewer = await member('Viewer');
      const { id } = await member();
      const response = await t.api.request('PATCH', `/api/v1/users/${id}`, { token: viewer.token, body: { name: 'Not allowed' } });
      expect(response.status).toBe(403);
    });
  });
});
