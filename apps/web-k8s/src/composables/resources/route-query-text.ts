// A text box kept in one query parameter of the URL, both ways: typing rewrites the URL (without
// adding history entries), and a URL that changes by itself (Back, Forward, a link, another kind
// picked in the menu) sets the box, so the filter applied is always the one the URL shows.
import { ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { routeString } from './resource-type-context';

export function useRouteQueryText(param: string) {
  const route = useRoute();
  const router = useRouter();
  const fromUrl = () => routeString(route.query[param]);
  const text = ref(fromUrl());
  watch(fromUrl, (value) => {
    if (value !== text.value) text.value = value;
  });
  watch(text, (value) => {
    if (value !== fromUrl()) void router.replace({ query: { ...route.query, [param]: value || undefined } });
  });
  return text;
}
