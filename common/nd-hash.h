#pragma once
/*
 * An intrusive chained hash table: the caller embeds a struct nd_hnode in its
 * object and keeps the key there; the table stores only nodes and their hash.
 * Lookups walk one chain (compare keys in the caller). It grows to keep about
 * one node per bucket; an insert that cannot grow still inserts (-ENOMEM only
 * for the first node of an empty table).
 */
#include <stddef.h>
#include <stdint.h>

struct nd_hnode {
	struct nd_hnode *next;
	uint64_t hash;
};

struct nd_hash {
	struct nd_hnode **buckets;
	size_t n_buckets, count;
};

uint64_t nd_hash_bytes(const void *p, size_t len);
static inline uint64_t nd_hash_str(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return nd_hash_bytes(s, n);
}
int nd_hash_insert(struct nd_hash *h, struct nd_hnode *node, uint64_t hash);
void nd_hash_remove(struct nd_hash *h, struct nd_hnode *node);
/* the first node of hash's chain with that hash; then nd_hash_next */
struct nd_hnode *nd_hash_first(const struct nd_hash *h, uint64_t hash);
struct nd_hnode *nd_hash_next(const struct nd_hnode *node);
void nd_hash_free(struct nd_hash *h);

#define nd_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
