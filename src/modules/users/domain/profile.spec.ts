import {
  ADMIN_EDITABLE_FIELDS,
  applyNotificationChanges,
  checkLocale,
  checkName,
  checkNotificationPreferences,
  checkPhone,
  checkTimezone,
  effectiveNotificationPreferences,
  parseProfileChanges,
  SELF_EDITABLE_FIELDS,
  wantsNotice,
} from './profile';

describe(checkName.name, () => {
  it('trims a name and accepts 1 to 200 characters', () => {
    expect(checkName('  Ada Lovelace ')).toEqual({ ok: true, value: 'Ada Lovelace' });
    expect(checkName('x'.repeat(200))).toMatchObject({ ok: true });
  });

  it('refuses an empty, blank, too long or non-string name, and control characters', () => {
    for (const bad of ['', '   ', 'x'.repeat(201), null, 42, 'a\u0000b', 'line\nbreak']) {
      expect(checkName(bad)).toMatchObject({ ok: false });
    }
  });
});

describe(checkPhone.name, () => {
  it('accepts E.164 numbers and null (to clear)', () => {
    expect(checkPhone('+14155550123')).toEqual({ ok: true, value: '+14155550123' });
    expect(checkPhone('+33612345678')).toMatchObject({ ok: true });
    expect(checkPhone('+12345678')).toMatchObject({ ok: true });
    expect(checkPhone('+123456789012345')).toMatchObject({ ok: true });
    expect(checkPhone(null)).toEqual({ ok: true, value: null });
  });

  it('refuses numbers without the plus, with separators, too short or long, or a leading zero', () => {
    for (const bad of ['14155550123', '+1 415 555 0123', '+1-415-555-0123', '+1234567', '+1234567890123456', '+0123456789', 'call me', '', 4155550123]) {
      expect(checkPhone(bad)).toMatchObject({ ok: false });
    }
  });
});

describe(checkTimezone.name, () => {
  it('accepts IANA zone names, UTC and null', () => {
    expect(checkTimezone('Europe/Paris')).toEqual({ ok: true, value: 'Europe/Paris' });
    expect(checkTimezone('America/Argentina/Buenos_Aires')).toMatchObject({ ok: true });
    expect(checkTimezone('UTC')).toMatchObject({ ok: true });
    // current IANA names the runtime knows under older ones
    expect(checkTimezone('Asia/Kolkata')).toEqual({ ok: true, value: 'Asia/Kolkata' });
    expect(checkTimezone('Europe/Kyiv')).toMatchObject({ ok: true });
    expect(checkTimezone(null)).toEqual({ ok: true, value: null });
  });

  it('refuses made-up zones, offsets and abbreviations', () => {
    for (const bad of ['Mars/Olympus', '+02:00', 'CEST', 'EST', 'europe/paris', 'Europe/paris', '', 'Europe/', 'Europe/Paris ', 3]) {
      expect(checkTimezone(bad)).toMatchObject({ ok: false });
    }
  });
});

describe(checkLocale.name, () => {
  it('canonicalizes BCP 47 tags', () => {
    expect(checkLocale('en-us')).toEqual({ ok: true, value: 'en-US' });
    expect(checkLocale('zh-hant-tw')).toEqual({ ok: true, value: 'zh-Hant-TW' });
    expect(checkLocale('fr')).toEqual({ ok: true, value: 'fr' });
    expect(checkLocale(null)).toEqual({ ok: true, value: null });
  });

  it('refuses what is not a language tag', () => {
    for (const bad of ['en_US', 'english please', '', '123', 'x'.repeat(65), 7]) {
      expect(checkLocale(bad)).toMatchObject({ ok: false });
    }
  });
});

describe(checkNotificationPreferences.name, () => {
  it('accepts some of the known switches', () => {
    expect(checkNotificationPreferences({ weeklyDigest: true, securityAlerts: false })).toEqual({
      value: { weeklyDigest: true, securityAlerts: false },
      errors: [],
    });
  });

  it('names each unknown key and each non-boolean value', () => {
    const { errors } = checkNotificationPreferences({ weeklyDigest: 'yes', smsSpam: true, productUpdates: false });
    expect(errors.map((e) => e.field)).toEqual(['notificationPreferences.weeklyDigest', 'notificationPreferences.smsSpam']);
  });

  it('refuses what is not an object', () => {
    for (const bad of [null, [], 'all', true]) {
      expect(checkNotificationPreferences(bad).errors).toEqual([{ field: 'notificationPreferences', message: expect.any(String) }]);
    }
  });

  it('takes the in-app switches under inApp, only the topics the feed has, each error named under it', () => {
    expect(checkNotificationPreferences({ securityAlerts: false, inApp: { invitationOutcomes: false } })).toEqual({
      value: { securityAlerts: false, inApp: { invitationOutcomes: false } },
      errors: [],
    });
    const { errors } = checkNotificationPreferences({ inApp: { weeklyDigest: true, securityAlerts: 1 } });
    expect(errors.map((e) => e.field)).toEqual(['notificationPreferences.inApp.weeklyDigest', 'notificationPreferences.inApp.securityAlerts']);
    expect(checkNotificationPreferences({ inApp: [] }).errors.map((e) => e.field)).toEqual(['notificationPreferences.inApp']);
    expect(checkNotificationPreferences({ sms: true }).errors[0].message).toContain('inApp');
  });
});

describe(applyNotificationChanges.name, () => {
  const defaults = effectiveNotificationPreferences(null);

  it('changes the named switches of either channel and keeps the rest', () => {
    const { after, changed } = applyNotificationChanges(defaults, { weeklyDigest: true, inApp: { securityAlerts: false } });
    expect(changed).toBe(true);
    expect(after).toEqual({ securityAlerts: true, invitationOutcomes: true, weeklyDigest: true, productUpdates: false, inApp: { securityAlerts: false, invitationOutcomes: true } });
  });

  it('says nothing changed when every switch already had its value', () => {
    expect(applyNotificationChanges(defaults, { securityAlerts: true, inApp: { invitationOutcomes: true } }).changed).toBe(false);
  });
});

describe(wantsNotice.name, () => {
  it('reads the mail switch for mail and the inApp one for the feed; a mail-only topic is never in the feed', () => {
    const preferences = effectiveNotificationPreferences({ securityAlerts: false, weeklyDigest: true });
    expect(wantsNotice(preferences, 'securityAlerts', 'email')).toBe(false);
    expect(wantsNotice(preferences, 'securityAlerts', 'inApp')).toBe(true);
    expect(wantsNotice(preferences, 'weeklyDigest', 'email')).toBe(true);
    expect(wantsNotice(preferences, 'weeklyDigest', 'inApp')).toBe(false);
  });
});

describe(effectiveNotificationPreferences.name, () => {
  it('lays stored switches over the defaults and drops unknown ones', () => {
    expect(effectiveNotificationPreferences({ weeklyDigest: true, legacy: true, inApp: { securityAlerts: false, weeklyDigest: true } })).toEqual({
      securityAlerts: true,
      invitationOutcomes: true,
      weeklyDigest: true,
      productUpdates: false,
      inApp: { securityAlerts: false, invitationOutcomes: true },
    });
    expect(effectiveNotificationPreferences({ inApp: 'garbage' }).inApp).toEqual({ securityAlerts: true, invitationOutcomes: true });
    expect(effectiveNotificationPreferences(null).securityAlerts).toBe(true);
  });
});

describe(parseProfileChanges.name, () => {
  it('returns the normalized changes, leaving absent fields out', () => {
    expect(parseProfileChanges({ name: ' Ada ', locale: 'en-gb', phone: null }, SELF_EDITABLE_FIELDS)).toEqual({
      changes: { name: 'Ada', locale: 'en-GB', phone: null },
      errors: [],
    });
    expect(parseProfileChanges({}, SELF_EDITABLE_FIELDS)).toEqual({ changes: {}, errors: [] });
  });

  it('names every bad field at once', () => {
    const { errors } = parseProfileChanges(
      { name: '', phone: '555', timezone: 'Mars/Olympus', locale: 'not a locale', notificationPreferences: { pigeonPost: true } },
      SELF_EDITABLE_FIELDS,
    );
    expect(errors.map((e) => e.field)).toEqual(['name', 'phone', 'timezone', 'locale', 'notificationPreferences.pigeonPost']);
  });

  it('refuses fields the editor may not change', () => {
    const { errors } = parseProfileChanges({ name: 'Ada', notificationPreferences: { weeklyDigest: true } }, ADMIN_EDITABLE_FIELDS);
    expect(errors.map((e) => e.field)).toEqual(['notificationPreferences']);
  });
});
