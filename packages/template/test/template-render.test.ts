import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileTemplate,
  detectTemplateFormat,
  escapeXml,
  renderTemplate,
  TemplateSyntaxError,
} from "../src/index";
import { parseXml } from "./xml-oracle";

function syntaxError(template: string, format?: "json" | "xml"): TemplateSyntaxError {
  try {
    renderTemplate(template, {}, format);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    const e = error as TemplateSyntaxError;
    expect(e.field).toBe("template");
    expect(e.rule).toBe("template-syntax");
    return e;
  }
  throw new Error(`${template} rendered`);
}

describe("JSON templates", () => {
  it("renders an APNs template: badge becomes the number 40", () => {
    const template = '{"aps":{"alert":"$(message)","badge":"#(badge)"}}';
    const out = renderTemplate(template, { message: "Hello", badge: "40" });
    expect(out).toBe('{"aps":{"alert":"Hello","badge":40}}');
    expect(JSON.parse(out)).toEqual({ aps: { alert: "Hello", badge: 40 } });
  });

  it("keeps #() a string when the value is not a number", () => {
    const out = renderTemplate('{"aps":{"badge":"#(badge)"}}', { badge: "-1" });
    expect(out).toBe('{"aps":{"badge":"-1"}}');
    expect(renderTemplate('{"aps":{"badge":"#(badge)"}}', {})).toBe('{"aps":{"badge":""}}');
  });

  it("renders an FCM v1 template, keeping layout, keys, literals and non-string values verbatim", () => {
    const template = `{
  "message": {
    "notification": { "title": ".(title,20)", "body": "{'From ' + $(Name) + ': ' + $(message,10)}" },
    "data": { "greeting": "$(greeting_en)", "link": "{'https://example.com/?q=' + %(query)}", "static": "Hello $(x)" },
    "android": { "priority": "high", "ttl": "3.5s", "notification": { "notification_count": "#(count)" } },
    "$(key)": [ 1, 2.50, -3e+2, true, false, null, "#(count)" ]
  }
}`;
    const out = renderTemplate(template, {
      title: "This is the title line",
      name: "Ann",
      message: "How are you doing today?",
      greeting_en: "Hello",
      query: "a b&c",
      count: "3",
    });
    expect(out).toBe(`{
  "message": {
    "notification": { "title": "This is the title...", "body": "From Ann: How are yo" },
    "data": { "greeting": "Hello", "link": "https://example.com/?q=a%20b%26c", "static": "Hello $(x)" },
    "android": { "priority": "high", "ttl": "3.5s", "notification": { "notification_count": 3 } },
    "$(key)": [ 1, 2.50, -3e+2, true, false, null, 3 ]
  }
}`);
    expect(JSON.parse(out).message.notification.body).toBe("From Ann: How are yo");
  });

  it('leaves "Hello $(x)" and other literal strings verbatim, escapes included', () => {
    const template = '{"a":"Hello $(x)","b":"caf\\u00e9 \\"q\\" \\/","c":" $(x)"}';
    expect(renderTemplate(template, { x: "X" })).toBe(template);
  });

  it("treats an escaped first character like the character itself", () => {
    expect(renderTemplate('{"a":"\\u0024(x)"}', { x: "X" })).toBe('{"a":"X"}');
  });

  it("escapes quotes, backslashes, control characters and keeps unicode", () => {
    const value = 'He said "hi" \\ <b>&amp;</b>\n\t\u0000\u001f é 😀 \u2028';
    const out = renderTemplate('{"a":"$(v)"}', { v: value });
    expect(JSON.parse(out)).toEqual({ a: value });
    expect(out).toBe(`{"a":${JSON.stringify(value)}}`);
  });

  it("renders a top-level string and arrays", () => {
    expect(renderTemplate('"$(a)"', { a: "x" })).toBe('"x"');
    expect(renderTemplate('  ["#(a)", "$(a)"]  ', { a: "1" })).toBe('  [1, "1"]  ');
  });

  it("names the slot of a bad expression", () => {
    const error = syntaxError('{"aps":{"badge":"{#(badge)+\'x\'}"}}');
    expect(error.message).toContain("aps.badge");
    expect(error.message).toContain("#(...) cannot be used inside {...}");
    expect(syntaxError('{"a":[1,".(title)"]}').message).toContain("a[1]");
  });

  it.each([
    ["", "a JSON value"],
    ["   ", "a JSON value"],
    ["{", "a property name"],
    ['{"a":1,}', "a property name"],
    ['{"a" 1}', '":"'],
    ['{"a":1 "b":2}', '"," or "}"'],
    ["[1,]", "a JSON value"],
    ["[1 2]", '"," or "]"'],
    ['{"a":"x}', 'a closing "'],
    ['{"a":"\\x"}', "a valid escape"],
    ['{"a":"\\u12"}', "a valid escape"],
    ['{"a":"\n"}', "no raw control characters"],
    ["{'a':1}", "a property name"],
    ["01", "the end of the template"],
    ["truex", "the end of the template"],
    ["{} {}", "the end of the template"],
    ["[".repeat(300) + "]".repeat(300), "deeper than 256"],
  ])("refuses malformed JSON %j", (template, message) => {
    expect(syntaxError(template, "json").message).toContain(message);
  });

  it("keeps very long numbers intact", () => {
    const big = `1${"0".repeat(600)}`;
    expect(renderTemplate(`[${big},"$(a)"]`, { a: "x" })).toBe(`[${big},"x"]`);
  });
});

const WNS_TOAST = `<?xml version="1.0" encoding="utf-8"?>
<!-- WNS toast -->
<toast launch="$(launch)" duration='long'>
  <visual>
    <binding template="ToastGeneric">
      <text id="1">$(greeting_en)</text>
      <text id="2" hint-maxLines="1">.(body,12)</text>
      <text id="3">Hello $(greeting_en)</text>
      <image placement="appLogoOverride" src="{'https://cdn.example.com/' + %(image)}" alt="$(greeting_en)"/>
    </binding>
  </visual>
</toast>`;

describe("XML templates", () => {
  it("renders a WNS toast: leaf texts and attributes, everything else byte-identical", () => {
    const out = renderTemplate(WNS_TOAST, {
      greeting_en: "Hello",
      launch: "page=1&x=2",
      body: "A long body line",
      image: "a b.png",
    });
    expect(out).toBe(`<?xml version="1.0" encoding="utf-8"?>
<!-- WNS toast -->
<toast launch="page=1&amp;x=2" duration='long'>
  <visual>
    <binding template="ToastGeneric">
      <text id="1">Hello</text>
      <text id="2" hint-maxLines="1">A long bo...</text>
      <text id="3">Hello $(greeting_en)</text>
      <image placement="appLogoOverride" src="https://cdn.example.com/a%20b.png" alt="Hello"/>
    </binding>
  </visual>
</toast>`);
    const tree = parseXml(out) as {
      toast: { "@launch": string; visual: { binding: { text: Array<{ "#text": string }> } } };
    };
    expect(tree.toast["@launch"]).toBe("page=1&x=2");
    expect(tree.toast.visual.binding.text.map((t) => t["#text"])).toEqual([
      "Hello",
      "A long bo...",
      "Hello $(greeting_en)",
    ]);
  });

  it("renders MPNS toast and tile templates", () => {
    const toast = `<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>$(greeting_fr)</wp:Text1><wp:Text2>{'Re: ' + $(subject)}</wp:Text2><wp:Param>/Page.xaml?id=%(id)</wp:Param></wp:Toast></wp:Notification>`;
    expect(renderTemplate(toast, { greeting_fr: "Salut", subject: "<R&D>", id: "1 2" })).toBe(
      `<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>Salut</wp:Text1><wp:Text2>Re: &lt;R&amp;D&gt;</wp:Text2><wp:Param>/Page.xaml?id=%(id)</wp:Param></wp:Toast></wp:Notification>`,
    );
    const tile = `<wp:Notification xmlns:wp="WPNotification"><wp:Tile Id="$(tileId)"><wp:Count>#(count)</wp:Count><wp:Title>$(title,10)</wp:Title><wp:BackTitle></wp:BackTitle></wp:Tile></wp:Notification>`;
    const out = renderTemplate(tile, { tileId: "/Main.xaml", count: "7", title: "This is the title line" });
    expect(out).toBe(
      `<wp:Notification xmlns:wp="WPNotification"><wp:Tile Id="/Main.xaml"><wp:Count>7</wp:Count><wp:Title>This is th</wp:Title><wp:BackTitle></wp:BackTitle></wp:Tile></wp:Notification>`,
    );
    expect(parseXml(out)).toBeTruthy();
  });

  it("does not render mixed content, comments, CDATA or processing instructions", () => {
    const template = `<root a="x">$(a)<b>$(a)</b>$(a)<!--$(a)--><c><![CDATA[$(a)]]></c><?pi $(a)?><d> $(a)</d></root>`;
    expect(renderTemplate(template, { a: "A" })).toBe(
      `<root a="x">$(a)<b>A</b>$(a)<!--$(a)--><c><![CDATA[$(a)]]></c><?pi $(a)?><d> $(a)</d></root>`,
    );
  });

  it("decodes references before deciding and parsing", () => {
    const template = `<r a="&#36;(x)" b="{&quot;Q: &quot; + $(x)}" c="&amp;(x)">&#x24;(x)</r>`;
    expect(renderTemplate(template, { x: "<X>" })).toBe(
      `<r a="&lt;X&gt;" b="Q: &lt;X&gt;" c="&amp;(x)">&lt;X&gt;</r>`,
    );
  });

  it("leaves slots with entities it cannot expand alone", () => {
    const template = `<!DOCTYPE r [<!ENTITY d "$(x)">]><r a="&d;">&d;</r>`;
    expect(renderTemplate(template, { x: "X" })).toBe(template);
  });

  it("escapes quotes, <, &, line ends and unicode into well-formed XML that parses back to the value", () => {
    const value = `"double" 'single' <tag> & &amp; ]]> \t tab\nline\r\ncrlf é 😀`;
    const out = renderTemplate(`<toast launch="$(v)" alt='$(v)'><text>$(v)</text></toast>`, { v: value });
    const tree = parseXml(out) as { toast: { "@launch": string; "@alt": string; text: string } };
    expect(tree.toast["@launch"]).toBe(value);
    expect(tree.toast["@alt"]).toBe(value);
    expect(tree.toast.text).toBe(value);
  });

  it("replaces characters XML cannot carry with U+FFFD", () => {
    expect(escapeXml("a\u0000b\u0008c\ufffed\ud800e😀")).toBe("a\ufffdb\ufffdc\ufffdd\ufffde😀");
    expect(renderTemplate("<t>$(v)</t>", { v: "\u0001" })).toBe("<t>\ufffd</t>");
  });

  it("writes #() numbers as text", () => {
    expect(renderTemplate(`<badge value="#(n)"/>`, { n: "12" })).toBe(`<badge value="12"/>`);
  });

  it("names the slot of a bad expression", () => {
    const error = syntaxError(`<toast>\n  <text>{#(badge)+'x'}</text>\n</toast>`);
    expect(error.message).toContain("line 2, column 9");
    expect(error.message).toContain("<text>");
    expect(syntaxError(`<toast launch=".(title)"/>`).message).toContain('<toast launch="...">');
    expect(error.message).toBe(
      "template: in the XML template at line 2, column 9, in <text>: #(...) cannot be used inside {...}: a concatenation is always a string at position 2 of \"{#(badge)+'x'}\"",
    );
  });

  it.each([
    ["<a>", "<a> is not closed"],
    ["<a></b>", "</b> does not close <a>"],
    ["</a>", "</a> closes nothing"],
    ["<a/><b/>", "one root element"],
    ["text<a/>", "only allowed inside the root element"],
    ["<a/>text", "only allowed inside the root element"],
    ['<a x="1" x="2"/>', "appears twice"],
    ['<a x="1"y="2"/>', 'whitespace, ">" or "/>"'],
    ["<a x=1/>", "a quoted attribute value"],
    ['<a x="1/>', "not closed"],
    ['<a x="<"/>', '"<" is not allowed'],
    ["<a>&</a>", '"&" must start a reference'],
    ["<a>&#0;</a>", "not a valid character reference"],
    ['<a x="&#xZZ;"/>', "not a valid character reference"],
    ["<a><!-- x </a>", "comment is not closed"],
    ["<a><![CDATA[x</a>", "CDATA section is not closed"],
    ["<?xml version='1.0'", "processing instruction is not closed"],
    ["<a/><!DOCTYPE a>", "DOCTYPE must come before"],
    ["<1a/>", "expected a name"],
  ])("refuses malformed XML %j", (template, message) => {
    expect(syntaxError(template, "xml").message).toContain(message);
  });

  it("refuses a template with no root element", () => {
    expect(syntaxError("<!-- only -->", "xml").message).toContain("no root element");
  });
});

describe("format detection and compiled templates", () => {
  it("detects XML by a leading <, after whitespace or a BOM", () => {
    expect(detectTemplateFormat("  \n<toast/>")).toBe("xml");
    expect(detectTemplateFormat("\ufeff<toast/>")).toBe("xml");
    expect(detectTemplateFormat('{"a":"<b>"}')).toBe("json");
    expect(renderTemplate("\ufeff<t>$(a)</t>", { a: "x" })).toBe("\ufeff<t>x</t>");
  });

  it("honours an explicit format", () => {
    expect(renderTemplate('"<$(a)"', { a: "x" }, "json")).toBe('"<$(a)"');
    expect(syntaxError('{"a":1}', "xml").message).toContain("only allowed inside the root element");
  });

  it("compiles once and renders many times", () => {
    const compiled = compileTemplate('{"aps":{"alert":"$(message)","badge":"#(badge)"}}');
    expect(compiled.format).toBe("json");
    expect(compiled.expressions).toEqual([
      { type: "value", name: "message" },
      { type: "number", name: "badge" },
    ]);
    expect(compiled.render({ message: "a", badge: "1" })).toBe('{"aps":{"alert":"a","badge":1}}');
    expect(compiled.render({ message: "b" })).toBe('{"aps":{"alert":"b","badge":""}}');
  });

  it("does not change the caller's properties", () => {
    const properties = Object.freeze({ a: "x" });
    expect(renderTemplate('{"a":"$(a)"}', properties)).toBe('{"a":"x"}');
  });
});

describe("properties", () => {
  const anyUnits = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    maxLength: 60,
  });
  const anyValue = fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), anyUnits);

  it("any property value survives $(p) rendering into JSON exactly", () => {
    fc.assert(
      fc.property(anyValue, (v) => {
        const out = renderTemplate('{"aps":{"alert":"$(p)"},"list":["$(P)"]}', { p: v });
        expect(JSON.parse(out)).toEqual({ aps: { alert: v }, list: [v] });
      }),
    );
  });

  it("#(p) always renders valid JSON", () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.double().map(String), fc.nat().map(String)), (v) => {
        const parsed = JSON.parse(renderTemplate('{"n":"#(p)"}', { p: v })).n;
        expect(typeof parsed === "number" ? true : parsed === v).toBe(true);
      }),
    );
  });

  it("any XML-representable value survives $(p) in attributes and leaf text", () => {
    const xmlChar = fc
      .oneof(
        fc.constantFrom("\t", "\n", "\r", "&", "<", ">", '"', "'", ";", "#"),
        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
      )
      // biome-ignore lint/suspicious/noControlCharactersInRegex: excluding the characters XML cannot carry.
      .filter((c) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(c));
    fc.assert(
      fc.property(
        fc.array(xmlChar, { minLength: 1, maxLength: 30 }).map((a) => a.join("")),
        (v) => {
          const out = renderTemplate(`<toast launch="$(p)"><text id="1">$(p)</text></toast>`, { p: v });
          const tree = parseXml(out) as { toast: { "@launch": string; text: { "#text": string } } };
          expect(tree.toast["@launch"]).toBe(v);
          expect(tree.toast.text["#text"]).toBe(v);
        },
      ),
    );
  });

  it("templates without expressions come back byte-identical", () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        // fc.json can produce strings starting with an expression character; those are slots, not literals.
        const template = json.replace(/"([$#.%{])/g, '"_$1');
        expect(renderTemplate(template, {}, "json")).toBe(template);
      }),
    );
  });
});

describe("JSON template nesting", () => {
  it("takes MAX_JSON_DEPTH arrays and objects nested, and refuses one more by name", () => {
    const nested = (n: number) => `${'{"a":['.repeat(n / 2)}"$(x)"${"]}".repeat(n / 2)}`;
    expect(renderTemplate(nested(256), { x: "y" })).toBe(nested(256).replace('"$(x)"', '"y"'));
    expect(syntaxError(`[${nested(256)}]`, "json").message).toContain("MAX_JSON_DEPTH");
  });
});
