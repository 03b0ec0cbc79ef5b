/* template: placeholder header until the renderer lands. */
#ifndef PIPEC_TEMPLATE_H
#define PIPEC_TEMPLATE_H
#include <stddef.h>
struct template_file {
	const char *name;
	const char *data;
	size_t len;
};
extern const struct template_file template_files[];
extern const size_t template_file_count;
#endif
