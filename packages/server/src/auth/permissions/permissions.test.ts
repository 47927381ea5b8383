import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "../../errors.ts";
import { type CallFacts, evaluatePermissions, type Permission, parsePermission } from "./index.ts";

const facts: CallFacts = {
  apiName: "App:listApps",
  now: new Date("2027-03-04T05:06:07Z"),
  ipAddress: "10.1.2.3",
  pathVariables: { appId: "01HAPP", operatorId: "OP1" },
  samUserName: "alice",
};

function permission(...statements: object[]): Permission {
  return parsePermission(JSON.stringify({ statements }));
}

function decide(statements: object[], overrides: Partial<CallFacts> = {}): string {
  return evaluatePermissions([permission(...statements)], { ...facts, ...overrides }).reason;
}

function parseError(text: string): string {
  try {
    parsePermission(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe("bad_request");
    return (error as Error).message;
  }
  throw new Error(`parsed: ${text}`);
}

function conditionError(condition: string): string {
  return parseError(JSON.stringify({ statements: [{ effect: "allow", api: "*", condition }] }));
}

describe("API name patterns", () => {
  it.each([
    ["*", "App:listApps", true],
    ["App:*", "App:listApps", true],
    ["App:list*", "App:listApps", true],
    ["App:list*", "App:getApp", false],
    ["App:listApps", "App:listApps", true],
    ["App:listApp", "App:listApps", false],
    ["*:list*", "AppVersion:listAppVersions", true],
    ["App*", "AppVersion:listAppVersions", true],
    ["App:*", "AppVersion:listAppVersions", false],
    ["*Apps", "App:listApps", true],
    ["a*", "App:listApps", false],
  ])("%s against %s is %s", (pattern, apiName, matches) => {
    expect(decide([{ effect: "allow", api: pattern }], { apiName })).toBe(matches ? "allow" : "no_match");
  });

  it("a list of names matches when one does", () => {
    expect(decide([{ effect: "allow", api: ["Device:*", "App:list*"] }])).toBe("allow");
  });

  it("a pathological pattern answers at once", () => {
    const apiName = `${"a".repeat(150)}`;
    const started = performance.now();
    expect(decide([{ effect: "allow", api: "*a*a*a*a*a*a*a*a*a*a*b" }], { apiName })).toBe("no_match");
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("evaluation", () => {
  it.each([
    ["no statements", [], "no_match"],
    ["a matching allow", [{ effect: "allow", api: "App:*" }], "allow"],
    ["an allow for another API", [{ effect: "allow", api: "Device:*" }], "no_match"],
    [
      "a deny beside an allow",
      [
        { effect: "allow", api: "*" },
        { effect: "deny", api: "App:listApps" },
      ],
      "deny",
    ],
    [
      "a deny before an allow",
      [
        { effect: "deny", api: "App:*" },
        { effect: "allow", api: "*" },
      ],
      "deny",
    ],
    [
      "a deny for another API",
      [
        { effect: "deny", api: "Device:*" },
        { effect: "allow", api: "*" },
      ],
      "allow",
    ],
    [
      "a deny whose condition fails",
      [
        { effect: "deny", api: "*", condition: 'samUserName == "bob"' },
        { effect: "allow", api: "*" },
      ],
      "allow",
    ],
  ])("%s decides %s", (_name, statements, reason) => {
    const decision = evaluatePermissions([permission(...statements)], facts);
    expect(decision.reason).toBe(reason);
    expect(decision.allowed).toBe(reason === "allow");
  });

  it("a deny in one permission beats an allow in another (a user's own, its roles', the defaults)", () => {
    const own = permission({ effect: "allow", api: "*" });
    const role = permission({ effect: "deny", api: "App:listApps" });
    expect(evaluatePermissions([own, role], facts)).toEqual({ allowed: false, reason: "deny" });
    expect(evaluatePermissions([], facts)).toEqual({ allowed: false, reason: "no_match" });
  });
});

describe("conditions", () => {
  it.each([
    ["currentDate >= date(2027, 1, 1)", true],
    ["currentDate >= date(2027, 3, 5)", false],
    ["currentDate == date(2027, 3, 4)", true],
    ["currentDate < date(2027, 3, 4)", false],
    ["currentDateTime > dateTime(2027, 3, 4, 5, 6, 6)", true],
    ["currentDateTime > dateTime(2027, 3, 4, 5, 6, 7)", false],
    ["currentDateTime <= dateTime(2027, 3, 4, 5, 6, 7)", true],
    ["date(2027, 1, 1) <= currentDate", true],
    ['ipAddress("10.0.0.0/8")', true],
    ['ipAddress("192.168.0.0/16", "10.1.2.3")', true],
    ['ipAddress("10.1.2.4")', false],
    ["ipAddress('2001:db8::/32')", false],
    ['pathVariable("appId") == "01HAPP"', true],
    ['pathVariable("appId") != "01HAPP"', false],
    ['samUserName == "alice"', true],
    ["samUserName == 'bob'", false],
    ['samUserName == "bob" or samUserName == "alice"', true],
    ['samUserName == "alice" and ipAddress("192.168.0.0/16")', false],
    ['samUserName == "alice" && ipAddress("10.0.0.0/8")', true],
    ['not samUserName == "bob"', true],
    ['!(samUserName == "alice")', false],
    ['samUserName == "bob" or samUserName == "carol" and ipAddress("10.0.0.0/8")', false],
    ['(samUserName == "bob" or samUserName == "alice") and ipAddress("10.0.0.0/8")', true],
    ['not (not ipAddress("10.0.0.0/8"))', true],
  ])("%s is %s", (condition, holds) => {
    expect(decide([{ effect: "allow", api: "*", condition }])).toBe(holds ? "allow" : "no_match");
  });

  it.each([
    ["2001:db8::1", 'ipAddress("2001:db8::/32")', true],
    ["2001:db9::1", 'ipAddress("2001:db8::/32")', false],
    ["::ffff:10.9.9.9", 'ipAddress("10.0.0.0/8")', true],
    ["10.9.9.9", 'ipAddress("::ffff:10.0.0.0/104")', false],
    ["not an address", 'ipAddress("0.0.0.0/0")', false],
  ])("the address %s against %s is %s", (ipAddress, condition, holds) => {
    expect(decide([{ effect: "allow", api: "*", condition }], { ipAddress })).toBe(
      holds ? "allow" : "no_match",
    );
  });

  it("a condition reading a path variable the call lacks does not apply, even under not", () => {
    const condition = 'not (pathVariable("deviceId") == "x")';
    expect(decide([{ effect: "allow", api: "*", condition }])).toBe("no_match");
    expect(
      decide([
        { effect: "deny", api: "*", condition },
        { effect: "allow", api: "*" },
      ]),
    ).toBe("allow");
  });

  it("samUserName does not apply to root", () => {
    expect(
      decide([{ effect: "allow", api: "*", condition: 'samUserName != "x"' }], { samUserName: undefined }),
    ).toBe("no_match");
  });

  it("a path variable named like an Object property is not found on the prototype", () => {
    expect(decide([{ effect: "allow", api: "*", condition: 'pathVariable("toString") != ""' }])).toBe(
      "no_match",
    );
  });
});

describe("errors say where", () => {
  it.each([
    ["samUserName = 'x'", "Unexpected character '=' (use == to compare) at column 13"],
    ["samUserName == ", "Unexpected end of condition, expected a value"],
    ["samUserName", "Unexpected end of condition, expected a comparison"],
    ["(samUserName == 'x'", "expected ')' to close the '(' at column 1"],
    [
      "samUserName == 'x' xor",
      "Unexpected 'xor', expected 'and', 'or' or the end of the condition at column 20",
    ],
    ["currentDate >= 'x'", "Cannot compare a date with text at column 16"],
    ["samUserName < 'x'", "Text can only be compared with == or !=, not < at column 13"],
    ["currentDate >= date(2027, 2, 30)", "No such date or time at column 16"],
    ["currentDate >= date(2027, 1)", "date takes 3 arguments; expected ','"],
    ["currentDate >= date(2027, 1, 1.5)", "Invalid number '1.' (only whole numbers) at column 30"],
    ["ipAddress('10.0.0.0/33')", "'10.0.0.0/33' is not an IP address or range"],
    ["ipAddress('010.0.0.1')", "'010.0.0.1' is not an IP address or range"],
    ["ipAddress()", "expected an address range in quotes"],
    ["userName == 'x'", "Unknown name 'userName'"],
    ["samUserName == 'x", "Missing closing quote for the string starting at column 16"],
    ["", "Condition is empty at column 1"],
    ["eval('1') == 'x'", "Unknown name 'eval'"],
  ])("%s → %s", (condition, message) => {
    const error = conditionError(condition);
    expect(error).toContain(message);
    expect(error).toContain("in statements[0].condition");
  });

  it.each([
    ['{"statements":[{"effect":"allow","api":"*"}', "not valid JSON at line 1, column 44"],
    [
      '{\n  "statements": [\n    {"effect": "allow", "api": "*",}\n  ]\n}',
      "at line 3, column 36: Unexpected '}'",
    ],
    ["{'statements': []}", "at line 1, column 2: Unexpected '''"],
    ["", "at line 1, column 1: Unexpected end of text"],
  ])("JSON syntax %j → %s", (text, message) => {
    expect(parseError(text)).toContain(message);
  });

  it.each([
    ["[]", "at the top level"],
    ["{}", "at statements"],
    ['{"statements":{}}', "at statements: expected a list of statements"],
    ['{"statements":[{"effect":"permit","api":"*"}]}', 'at statements[0].effect: expected "allow" or "deny"'],
    ['{"statements":[{"effect":"allow"}]}', "at statements[0].api"],
    ['{"statements":[{"effect":"allow","api":[]}]}', "at statements[0].api"],
    ['{"statements":[{"effect":"allow","api":["App:*","App list"]}]}', "at statements[0].api[1]"],
    ['{"statements":[{"effect":"allow","api":"*","when":"x"}]}', "at statements[0]"],
    ['{"statements":[{"effect":"allow","api":"*","condition":7}]}', "at statements[0].condition"],
    ['{"statements":[],"extra":1}', "at the top level"],
  ])("shape %s → %s", (text, message) => {
    expect(parseError(text)).toContain(message);
  });

  it("refuses permissions beyond the size limit", () => {
    expect(parseError(" ".repeat(70_000))).toContain("longer than");
  });

  it("refuses conditions nested too deep", () => {
    expect(conditionError(`${"(".repeat(40)}samUserName == 'x'${")".repeat(40)}`)).toContain("nests deeper");
    expect(conditionError(`${"not ".repeat(40)}samUserName == 'x'`)).toContain("nests deeper");
  });
});

// Properties over generated permissions: the rules hold for every statement mix, not only the table's.
const apiNames = ["App:listApps", "App:createApp", "Device:getDevice", "User:listUsers"];
interface StatementInput {
  readonly effect: "allow" | "deny";
  readonly api: string | string[];
  readonly condition?: string | undefined;
}
const statementArbitrary: fc.Arbitrary<StatementInput> = fc.record({
  effect: fc.constantFrom("allow", "deny"),
  api: fc.oneof(
    fc.constantFrom(...apiNames, "*", "App:*", "App:list*", "*Device*"),
    fc.array(fc.constantFrom(...apiNames, "*", "App:*"), { minLength: 1, maxLength: 3 }),
  ),
  condition: fc.option(
    fc.constantFrom('samUserName == "alice"', 'ipAddress("10.0.0.0/8")', "currentDate >= date(2030, 1, 1)"),
    { nil: undefined },
  ),
});
const factsArbitrary = fc.record({
  apiName: fc.constantFrom(...apiNames),
  samUserName: fc.constantFrom("alice", "bob"),
  ipAddress: fc.constantFrom("10.0.0.1", "192.168.1.1"),
});

function permissionOf(statements: readonly object[]): Permission {
  return parsePermission(JSON.stringify({ statements }));
}

describe("properties", () => {
  it("a deny that matches always wins, wherever it stands", () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary), fc.nat(), factsArbitrary, (statements, at, call) => {
        const mixed = [...statements];
        mixed.splice(at % (mixed.length + 1), 0, { effect: "deny", api: call.apiName });
        expect(evaluatePermissions([permissionOf(mixed)], { ...facts, ...call })).toEqual({
          allowed: false,
          reason: "deny",
        });
      }),
    );
  });

  it("a statement for an unrelated API never changes the decision", () => {
    fc.assert(
      fc.property(
        fc.array(statementArbitrary),
        fc.constantFrom("allow", "deny"),
        fc.nat(),
        factsArbitrary,
        (statements, effect, at, call) => {
          const before = evaluatePermissions([permissionOf(statements)], { ...facts, ...call });
          const more = [...statements];
          more.splice(at % (more.length + 1), 0, { effect, api: "Billing:*" });
          expect(evaluatePermissions([permissionOf(more)], { ...facts, ...call })).toEqual(before);
        },
      ),
    );
  });

  it("splitting statements over several permissions never changes the decision", () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary), fc.nat(), factsArbitrary, (statements, cut, call) => {
        const at = cut % (statements.length + 1);
        const whole = evaluatePermissions([permissionOf(statements)], { ...facts, ...call });
        const split = [permissionOf(statements.slice(0, at)), permissionOf(statements.slice(at))];
        expect(evaluatePermissions(split, { ...facts, ...call })).toEqual(whole);
      }),
    );
  });

  it("allowed exactly when some allow matches and no deny does", () => {
    fc.assert(
      fc.property(
        fc.array(statementArbitrary.filter((s) => s.condition === undefined)),
        factsArbitrary,
        (statements, call) => {
          const matches = (api: string | string[]) =>
            [api]
              .flat()
              .some((pattern) => new RegExp(`^${pattern.replaceAll("*", ".*")}$`).test(call.apiName));
          const denied = statements.some((s) => s.effect === "deny" && matches(s.api));
          const allowed = statements.some((s) => s.effect === "allow" && matches(s.api));
          expect(evaluatePermissions([permissionOf(statements)], { ...facts, ...call }).allowed).toBe(
            !denied && allowed,
          );
        },
      ),
    );
  });

  it("parsing arbitrary text throws nothing but a UserError", () => {
    const conditionText = fc.stringMatching(/^[\sa-zA-Z0-9()"'=!<>&|,.:/-]{0,60}$/);
    const anyText = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.json(),
      conditionText.map((condition) =>
        JSON.stringify({ statements: [{ effect: "allow", api: "*", condition }] }),
      ),
      fc.jsonValue().map((statements) => JSON.stringify({ statements })),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          parsePermission(text);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("every valid JSON text is accepted by the syntax scanner exactly when JSON.parse accepts it", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        let message = "";
        try {
          parsePermission(text);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message.includes("not valid JSON at line")).toBe(!valid);
      }),
    );
  });
});
