/**
 * The tag names the sandbox accepts in a push: what `docker push` can send, by the grammar of
 * Docker's image references (distribution's `reference` package): a word character, then up to
 * 127 word characters, `.` and `-`. SWR's documentation states no rule of its own.
 */
const DOCKER_TAG = /^[\w][\w.-]{0,127}$/;

export function isDockerTag(name: string): boolean {
  return DOCKER_TAG.test(name);
}
