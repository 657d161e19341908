import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  REDACTED,
  redactSasToken,
  redactSecrets,
  secretForms,
  secretSpans,
  signSasToken,
} from "../src/index";

const KEY = "Q2hhbmdlTWVQbGVhc2VUaGlzSXNBS2V5MTIzNDU2Nzg=";
const token = signSasToken({ resourceUri: "https://ns/hub", keyName: "rule", key: KEY, expiresAt: 99 });
const sig = decodeURIComponent(/sig=([^&]+)/.exec(token)![1]!);
const sigOnWire = encodeURIComponent(sig);

/** The forms a server, a proxy or a storage URL in a job body may put a token in. */
const tokenForms = (t: string): string[] => [
  t,
  encodeURIComponent(t),
  encodeURIComponent(encodeURIComponent(t)),
  t.replace(/&/g, "&amp;"),
  t.replace(/&/g, "&amp;").replace(/=/g, "&#61;"),
  JSON.stringify(t).replace(/&/g, "\\u0026"),
];

describe("redactSecrets", () => {
  it.each(tokenForms(token))("removes the signature of a token written as %s", (form) => {
    const out = redactSecrets(`Authorization: ${form}\n`);
    for (const s of [sig, sigOnWire, encodeURIComponent(sigOnWire)]) expect(out).not.toContain(s);
    expect(out).toContain(REDACTED);
    expect(out).toContain("rule");
  });

  it("removes a storage signature in a job body, raw, XML-escaped and percent-encoded", () => {
    const url = "https://acct.blob.core.windows.net/c?sv=2020-08-04&sr=c&sig=AbC%2Bd%2FeF%3D&sp=rwl";
    for (const form of [url, url.replace(/&/g, "&amp;"), encodeURIComponent(url)]) {
      const out = redactSecrets(`<OutputContainerUri>${form}</OutputContainerUri>`);
      expect(out).not.toMatch(/AbC/);
      expect(out).toContain("2020-08-04");
      expect(out).toContain("rwl");
      expect(out).toContain("</OutputContainerUri>");
    }
  });

  it("removes SharedAccessKey values of connection strings in any form", () => {
    const cs = `Endpoint=sb://ns/;SharedAccessKeyName=rule;SharedAccessKey=${KEY}`;
    for (const form of [cs, encodeURIComponent(cs), cs.replace(/=/g, "&#x3D;"), `"${cs}"`]) {
      const out = redactSecrets(form);
      expect(out).not.toContain(KEY.slice(0, 20));
      expect(out).toContain("rule");
    }
  });

  it("removes a known secret verbatim, percent-encoded and base64-encoded", () => {
    const key = "a+b/c=d+secretvalue";
    const b64 = btoa(key);
    for (const form of [key, encodeURIComponent(key), encodeURIComponent(key).toLowerCase(), b64]) {
      expect(redactSecrets(`the key was ${form}!`, [key])).toBe(`the key was ${REDACTED}!`);
    }
    expect(secretForms("short")).toEqual([]);
  });

  it("keeps text without secrets as it is, and changes nothing the second time", () => {
    const plain = "The token is expired. TrackingId:1234, signature: none, design=x";
    expect(redactSecrets(plain)).toBe(plain);
    const once = redactSecrets(`${token} sig=abc&x=1 ${KEY}`, [KEY]);
    expect(redactSecrets(once, [KEY])).toBe(once);
    expect(redactSasToken(once)).toBe(once);
  });

  it("merges overlapping ranges", () => {
    const text = `sig=${KEY}&x`;
    expect(secretSpans(text, [KEY])).toEqual([[4, 4 + KEY.length]]);
  });

  it("leaves no secret in any text with secrets embedded at random places and in any form", () => {
    const secretChars = fc.constantFrom(
      ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    );
    const secret = fc.string({ unit: secretChars, minLength: 16, maxLength: 44 }).map((s) => `${s}=`);
    fc.assert(
      fc.property(
        secret,
        fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        (s, filler, formIndex, asKnown) => {
          const t = `SharedAccessSignature sr=https%3A%2F%2Fns%2Fhub&sig=${encodeURIComponent(s)}&se=1&skn=r`;
          const embedded = asKnown
            ? [s, encodeURIComponent(s), btoa(s)][formIndex % 3]!
            : tokenForms(t)[formIndex]!;
          const text = filler.join(embedded);
          const out = redactSecrets(filler.length > 1 ? text : `${text}${embedded}`, asKnown ? [s] : []);
          expect(out).not.toContain(s);
          expect(out).not.toContain(encodeURIComponent(s));
        },
      ),
    );
  });
});
