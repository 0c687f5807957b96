// The ambient types for the Monaco internals below (a script, so it cannot be imported).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./monaco-internals.d.ts" />
/**
 * Monaco's standalone editor reads the registered services once, when the first editor is
 * created; a contribution loaded later that brings a service of its own (the suggest widget's
 * ISuggestMemories) would then fail to build. This adds such late services to the collection
 * the editors' instantiation service reads, so the lazily loaded contributions work.
 * Monaco has no public way for it: the collection is the service's `_services` field.
 */
import { getSingletonServiceDescriptors } from 'monaco-editor/platform/instantiation/common/extensions';
import { IInstantiationService } from 'monaco-editor/platform/instantiation/common/instantiation';
import { StandaloneServices } from 'monaco-editor/editor/standalone/browser/standaloneServices';

interface ServiceCollection {
  get(id: unknown): unknown;
  set(id: unknown, descriptor: unknown): void;
}

/** The late services added (none when Monaco had not started yet, or had them already). */
export function addLateServices(): number {
  const root = StandaloneServices.get(IInstantiationService) as unknown as {
    _services?: ServiceCollection;
  };
  const services = root._services;
  if (!services) throw new Error("Monaco's instantiation service has changed: no _services");
  let added = 0;
  for (const [id, descriptor] of getSingletonServiceDescriptors()) {
    if (services.get(id)) continue;
    services.set(id, descriptor);
    added += 1;
  }
  return added;
}
