/* The hash table of nd-hash.h: FNV-1a keys, power-of-two buckets. */
#include "common/nd-hash.h"

#include <errno.h>
#include <stdlib.h>

uint64_t nd_hash_bytes(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void grow(struct nd_hash *h)
{
	size_t n = h->n_buckets ? h->n_buckets * 2 : 64;
	struct nd_hnode **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < h->n_buckets; i++) {
		for (struct nd_hnode *x = h->buckets[i], *next; x; x = next) {
			next = x->next;
			x->next = b[x->hash & (n - 1)];
			b[x->hash & (n - 1)] = x;
		}
	}
	free(h->buckets);
	h->buckets = b;
	h->n_buckets = n;
}

int nd_hash_insert(struct nd_hash *h, struct nd_hnode *node, uint64_t hash)
{
	struct nd_hnode **head;

	if (h->count >= h->n_buckets)
		grow(h);
	if (!h->n_buckets)
		return -ENOMEM;
	node->hash = hash;
	head = &h->buckets[hash & (h->n_buckets - 1)];
	node->next = *head;
	*head = node;
	h->count++;
	return 0;
}

void nd_hash_remove(struct nd_hash *h, struct nd_hnode *node)
{
	if (!h->n_buckets)
		return;
	for (struct nd_hnode **p = &h->buckets[node->hash & (h->n_buckets - 1)]; *p; p = &(*p)->next) {
		if (*p == node) {
			*p = node->next;
			node->next = NULL;
			h->count--;
			return;
		}
	}
}

static struct nd_hnode *same_hash(struct nd_hnode *x, uint64_t hash)
{
	while (x && x->hash != hash)
		x = x->next;
	return x;
}

struct nd_hnode *nd_hash_first(const struct nd_hash *h, uint64_t hash)
{
	return h->n_buckets ? same_hash(h->buckets[hash & (h->n_buckets - 1)], hash) : NULL;
}

struct nd_hnode *nd_hash_next(const struct nd_hnode *node)
{
	return same_hash(node->next, node->hash);
}

void nd_hash_free(struct nd_hash *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->n_buckets = h->count = 0;
}
