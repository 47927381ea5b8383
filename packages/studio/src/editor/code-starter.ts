// The source a new `code` action starts with: it runs as is, and shows where the message is and what
// becomes the result. docs/code-action.md carries the same script as a tested example (code-starter.test.ts).
export const codeStarter = `// Runs for each message that reaches this action: input.payload is the message, input.context
// what Conflux knows about it (event type, device, app, channel). What main returns is the
// action's result, which its output sends on.
function main(input) {
  const { payload, context } = input;
  console.log("a message from", context.eventType);
  return { received: payload };
}
`;
