/* Unit tests of the runtime's answer parsing: AWS error shapes (JSON with
 * Smithy type clean-up, XML, headers, HEAD), the tiny XML reader, ISO 8601
 * timestamps. */
#include <stdlib.h>
#include <string.h>

#include "aws_internal.h"
#include "http.h"
#include "unit.h"
#include "xml.h"

static void parse(struct http_request *r, long status, const char *hname, const char *hval,
		  const char *body)
{
	http_request_init(r, "POST", "https", "h", "/", NULL);
	r->status = status;
	if (hname)
		sigv4_headers_add(&r->resp_headers, hname, hval);
	strbuf_addstr(&r->resp_body, body);
	http_parse_error(r);
}

static void test_errors(void)
{
	struct http_request r;
	char *t;

	parse(&r, 400, "x-amzn-RequestId", "rid-1",
	      "{\"__type\": \"EntityNotFoundException\", \"message\": \"Job x not found.\"}");
	CHECK_STR("json error code", r.error_code, "EntityNotFoundException");
	CHECK_STR("json error message", r.error_message, "Job x not found.");
	CHECK_STR("request id header", r.request_id, "rid-1");
	http_request_release(&r);

	parse(&r, 400, NULL, NULL,
	      "{\"__type\": \"aws.protocoltests#FooError:http://internal.amazon.com/x\", "
	      "\"Message\": \"capital M\"}");
	CHECK_STR("smithy __type clean-up", r.error_code, "FooError");
	CHECK_STR("json Message fallback", r.error_message, "capital M");
	http_request_release(&r);

	parse(&r, 400, "X-Amzn-ErrorType", "ThrottlingException:http://x/", "{\"code\": \"Other\"}");
	CHECK_STR("X-Amzn-ErrorType header wins, cleaned up", r.error_code, "ThrottlingException");
	http_request_release(&r);

	parse(&r, 403, NULL, NULL,
	      "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The "
	      "request signature &amp; more</Message></Error></Errors><RequestId>R2</RequestId>"
	      "</ErrorResponse>");
	CHECK_STR("xml error code", r.error_code, "SignatureDoesNotMatch");
	CHECK_STR("xml message with entity", r.error_message, "The request signature & more");
	CHECK_STR("xml request id", r.request_id, "R2");
	http_request_release(&r);

	parse(&r, 404, NULL, NULL, "");
	CHECK_STR("HEAD 404 is NotFound", r.error_code, "NotFound");
	http_request_release(&r);

	parse(&r, 500, NULL, NULL, "<html><body>Internal Server Error</body></html>");
	CHECK("html 500 has no code", r.error_code == NULL);
	http_request_release(&r);

	t = http_clean_error_type("  Plain ");
	CHECK_STR("clean plain type", t, "Plain");
	free(t);
}

static void test_xml(void)
{
	const char *doc =
		"<?xml version=\"1.0\"?>\n<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/\">"
		"<AssumeRoleResult><AssumedRoleUser><Arn>arn:role</Arn></AssumedRoleUser>"
		"<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s/+k</SecretAccessKey>"
		"<SessionToken>tok&lt;1&gt;</SessionToken><Expiration>2026-11-21T12:59:03.308427Z"
		"</Expiration></Credentials></AssumeRoleResult><Empty/><N:Code>nc</N:Code>"
		"<Code attr=\"1\">c&#233;&#x41;</Code></AssumeRoleResponse>";
	char *v;

	v = xml_text(doc, strlen(doc), "Credentials", "AccessKeyId");
	CHECK_STR("xml child of element", v, "ASIA1");
	free(v);
	v = xml_text(doc, strlen(doc), NULL, "SessionToken");
	CHECK_STR("xml entities decoded", v, "tok<1>");
	free(v);
	v = xml_text(doc, strlen(doc), NULL, "Empty");
	CHECK_STR("xml self-closing is empty", v, "");
	free(v);
	v = xml_text(doc, strlen(doc), NULL, "Code");
	CHECK_STR("xml namespace prefix matched", v, "nc");
	free(v);
	v = xml_text(doc, strlen(doc), NULL, "Missing");
	CHECK("xml missing element", v == NULL);
	v = xml_text("<a>unterminated", 15, NULL, "a");
	CHECK("xml unterminated element", v == NULL);
	v = xml_text("<r><C x='1'>&#233;&#x41;</C></r>", 32, NULL, "C");
	CHECK_STR("xml numeric references as UTF-8", v, "\xc3\xa9" "A");
	free(v);
	v = xml_text("<r><C><![CDATA[a<b]]></C></r>", 29, NULL, "C");
	CHECK_STR("xml CDATA read as text", v, "a<b");
	free(v);
	v = xml_text("<r><C>a<i>b</i>c</C></r>", 24, NULL, "C");
	CHECK_STR("xml nested elements: their text, not their markup", v, "abc");
	free(v);
	v = xml_text("<r><A>1</A><W><A>2</A></W></r>", 31, "W", "A");
	CHECK_STR("xml searched from the within element", v, "2");
	free(v);
	v = xml_text("<r><Code>x</Code><Code>y</Code></r>", 36, NULL, "Code");
	CHECK_STR("xml first of several", v, "x");
	free(v);
	/* a substring scanner would find these; a parser does not */
	v = xml_text("<r><!-- <Code>c</Code> --><Code>real</Code></r>", 48, NULL, "Code");
	CHECK_STR("xml an element in a comment is not one", v, "real");
	free(v);
	v = xml_text("<r><M>&lt;Code&gt;fake&lt;/Code&gt;</M></r>", 44, NULL, "Code");
	CHECK("xml escaped markup in text is not an element", v == NULL);
	v = xml_text("<r><Code>a</Cod></r>", 20, NULL, "Code");
	CHECK("xml mismatched end tag: malformed, nothing", v == NULL);
	{
		const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">"
				   "<!ENTITY b \"&a;&a;&a;&a;\">]><r><Code>&b;</Code></r>";

		v = xml_text(bomb, strlen(bomb), NULL, "Code");
		CHECK("xml a DOCTYPE (entity definitions) is refused", v == NULL);
	}
}

static void test_time(void)
{
	time_t t = 0;

	CHECK("iso8601 with fraction",
	      aws_parse_iso8601("2015-08-30T12:36:00.123456Z", &t) == 0 && t == 1440938160);
	CHECK("iso8601 plain Z", aws_parse_iso8601("2015-08-30T12:36:00Z", &t) == 0 &&
	      t == 1440938160);
	CHECK("iso8601 offset", aws_parse_iso8601("2015-08-30T14:36:00+02:00", &t) == 0 &&
	      t == 1440938160);
	CHECK("iso8601 garbage", aws_parse_iso8601("yesterday", &t) < 0);
}

int main(void)
{
	test_errors();
	test_xml();
	test_time();
	return unit_done();
}
