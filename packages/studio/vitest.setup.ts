import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Testing Library unmounts after each test only when test globals are on; ours are imported instead.
afterEach(cleanup);

// findBy… and waitFor wait 1 s by default; the editor is a lazy chunk whose first import takes longer
// than that when every test file runs at once on a small machine.
configure({ asyncUtilTimeout: 10_000 });
