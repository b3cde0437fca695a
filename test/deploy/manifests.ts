import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../support/process';

/** The Kubernetes manifests of deploy/kubernetes/, each document with the file it is in. */

export const MANIFESTS = join(ROOT, 'deploy', 'kubernetes');

export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return entry.name.endsWith('.yaml') ? [path] : [];
  });
}

/** Every document of every YAML file, Kustomize's own files included. */
export function loadManifests(): Manifest[] {
  return yamlFiles(MANIFESTS).flatMap((path) =>
    parseAllDocuments(readFileSync(path, 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
      const object = document.toJS() as Omit<Manifest, 'file'>;
      return { ...object, file: relative(MANIFESTS, path) } as Manifest;
    }),
  );
}

/** The one object of a kind; fails when there is not exactly one. */
export function only(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`${found.length} objects of kind ${kind}`);
  return found[0] as Manifest;
}
