// Profiles that do not exist: a typo in --profile (or $ONEOFFICE_PROFILE, or a `config use` of a
// name since deleted) must not quietly give an empty profile, and so calls without a URL or to
// the wrong place. "default" always exists, even when the file has no such section.
import { ConfigError, UsageError, type OneOfficeError } from '../api/errors.js';
import { closest } from '../api/suggest.js';
import { DEFAULT_PROFILE, type LoadedConfig, type ProfileSource } from './file.js';

export function isKnownProfile(name: string, names: readonly string[]): boolean {
  return name === DEFAULT_PROFILE || names.includes(name);
}

/** `source`: what named it, as the message's first words; `config use` and `config delete` are typed commands. */
export function unknownProfileError(name: string, names: readonly string[], path: string, source: ProfileSource | 'config use' | 'config delete' | 'the profile option'): OneOfficeError {
  const suggestion = closest(name, names);
  const known = names.length ? `profiles in ${path}: ${[...names].sort().join(', ')}` : `${path} has no profiles; create one with: oneoffice --profile ${name} config set url https://...`;
  const message = `${source}: unknown profile ${JSON.stringify(name)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}; ${known}`;
  // Typed in this command: a usage error; from the environment or the file: a configuration error.
  return source === '$ONEOFFICE_PROFILE' || source === 'the default profile (config use)' ? new ConfigError(message, 'E_UNKNOWN_PROFILE') : new UsageError(message, 'E_UNKNOWN_PROFILE');
}

/** Throws if the profile in use was named but does not exist. */
export function requireKnownProfile(config: LoadedConfig): void {
  if (!isKnownProfile(config.profileName, config.profileNames)) throw unknownProfileError(config.profileName, config.profileNames, config.path, config.profileSource);
}
