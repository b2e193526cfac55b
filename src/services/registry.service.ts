import type { RegistryEntry } from '../connectors/company-register.connector.js';
import type { RequestContext } from '../context/request-context.js';

/**
 * The company register's entry for an organization (batched with the rest of the request's
 * numbers, cached): null when the register has no such unit; a REGISTRY_UNAVAILABLE error when it
 * cannot tell (down, slow, garbage, switched off).
 */
export function registryEntryOf(ctx: RequestContext, organization: { orgNumber: string }): Promise<RegistryEntry | null> {
  return ctx.loaders.registryByOrgNumber.load(organization.orgNumber);
}
