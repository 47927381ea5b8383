import { describe, expect, it } from "vitest";
import {
  checkConditionSyntax,
  checkPermissionDocument,
  readOnlyAppsPermission,
} from "./permission-document.ts";

describe("the permission document check", () => {
  it("accepts the spec's examples", () => {
    expect(checkPermissionDocument(readOnlyAppsPermission)).toBeUndefined();
    const document = {
      statements: [
        {
          effect: "allow",
          api: "*",
          condition: 'ipAddress("10.0.0.0/8") and currentDate >= date(2027, 1, 1)',
        },
        {
          effect: "deny",
          api: ["App:deleteApp"],
          condition: 'pathVariable("appId") == "01X" or samUserName == "x"',
        },
      ],
    };
    expect(checkPermissionDocument(JSON.stringify(document))).toBeUndefined();
  });

  it("places a JSON syntax error at its line and column", () => {
    const problem = checkPermissionDocument('{\n  "statements": [\n    {"effect": "allow",}\n  ]\n}');
    expect(problem).toMatchObject({ line: 3, column: 24 });
    expect(problem?.message).toMatch(/^not JSON at line 3, column 24/);
  });

  it("names the field of a wrong shape, at its statement", () => {
    const text = '{"statements": [\n{"effect": "allow", "api": "*"},\n{"effect": "permit", "api": "*"}]}';
    expect(checkPermissionDocument(text)).toEqual({
      message: 'statements[1].effect: "allow" or "deny"',
      line: 3,
      column: 1,
    });
    expect(checkPermissionDocument('{"statements": [{"effect": "allow", "api": []}]}')?.message).toMatch(
      /^statements\[0\]\.api: an API name/,
    );
    expect(checkPermissionDocument('{"statement": []}')?.message).toMatch(/unknown field 'statement'/);
    expect(
      checkPermissionDocument('{"statements": [{"effect": "allow", "api": "App:list apps"}]}')?.message,
    ).toMatch(/'App:list apps' is not an API name/);
  });

  it("finds a condition's syntax error at its column", () => {
    expect(checkConditionSyntax("currentDate >= date(2027, 1, 1")).toEqual({
      message: "expected ')' at the end of the condition (column 31)",
      column: 31,
    });
    expect(checkConditionSyntax('samUserName == "x" and')?.column).toBe(23);
    expect(checkConditionSyntax('ipAdress("10.0.0.0/8")')?.message).toMatch(
      /unknown name 'ipAdress' at column 1/,
    );
    expect(checkConditionSyntax('samUserName == "x" ) ')?.column).toBe(20);
    expect(checkConditionSyntax("samUserName = 1")?.column).toBe(13);
    const inDocument = checkPermissionDocument(
      JSON.stringify({ statements: [{ effect: "allow", api: "*", condition: "samUserName ==" }] }),
    );
    expect(inDocument?.message).toBe(
      "statements[0].condition: expected a value at the end of the condition (column 15)",
    );
  });
});
