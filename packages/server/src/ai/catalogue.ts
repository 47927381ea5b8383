import { z } from "zod";
import models from "./models.json" with { type: "json" };

/**
 * The models the service offers, read once from models.json (the one place to add a model or change
 * its price). A model is named in an app as `<provider>/<model id>`, e.g. `openai/gpt-4.1-mini`.
 */

export const providerNames = ["openai", "azure", "bedrock", "google", "openai-compatible"] as const;
const providerNameSchema = z.enum(providerNames);
export type ProviderName = z.infer<typeof providerNameSchema>;

const catalogueEntry = z.object({
  provider: providerNameSchema,
  /** The provider's own id (for Azure, the deployment name). */
  modelId: z.string().min(1),
  label: z.string().min(1),
  image: z.boolean(),
  video: z.boolean(),
  /** Credits one request costs when it runs on the service's own key; a bring-your-own key costs none. */
  credits: z.number().int().min(0),
});
export type CatalogueModel = z.infer<typeof catalogueEntry> & { model: string };

const catalogueFile = z.object({ models: z.array(catalogueEntry).min(1) });

function loadCatalogue(): CatalogueModel[] {
  return catalogueFile
    .parse(models)
    .models.map((entry) => ({ ...entry, model: `${entry.provider}/${entry.modelId}` }));
}

export const catalogue: readonly CatalogueModel[] = loadCatalogue();
const byName = new Map(catalogue.map((entry) => [entry.model, entry]));

export interface ModelReference {
  provider: ProviderName;
  modelId: string;
}

/** `openai/gpt-4.1-mini` → its parts; undefined when the provider part is not one we speak. */
export function parseModelReference(model: string): ModelReference | undefined {
  const slash = model.indexOf("/");
  if (slash <= 0 || slash === model.length - 1) return undefined;
  const provider = providerNameSchema.safeParse(model.slice(0, slash));
  return provider.success ? { provider: provider.data, modelId: model.slice(slash + 1) } : undefined;
}

export function findCatalogueModel(model: string): CatalogueModel | undefined {
  return byName.get(model);
}
