export {
  type Config,
  type ConfigInput,
  type Conflux,
  loadConfig,
  type Services,
  startConflux,
} from "./conflux.ts";
export { createLogger } from "./logging/logger.ts";
